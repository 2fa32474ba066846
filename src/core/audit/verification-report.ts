import type { AuditVerification } from './audit-types';

/** The three outcomes of a verification, as an operator reads them. */
export type VerificationOutcome = 'clean' | 'not-clean' | 'failed';

/** A verification in words: for the app's startup log line and the CLI's `verify-audit`. */
export interface VerificationReport {
  outcome: VerificationOutcome;
  /** One line. */
  summary: string;
  /** What is wrong, or what each count that keeps the log from being clean means. */
  findings: string[];
  /** What an operator should do about it. */
  action: string;
}

/** Who verified: the app (which may have the key) or the maintenance CLI (which never has it). */
export type Verifier = 'app' | 'cli';

const KEEP_A_COPY =
  'keep a copy of the whole data directory (sessions.db with its -wal and -shm files, audit-anchor.json, audit-key.enc) before anything writes to it again';

/** Says what `result` means and what to do about it; see docs/security-model.md. */
export function explainVerification(
  result: AuditVerification,
  verifier: Verifier,
): VerificationReport {
  if (!result.ok) {
    const row = result.firstBadSeq;
    return {
      outcome: 'failed',
      summary: `Audit chain FAILED at row ${row}: ${result.reason} (${result.checked} rows checked).`,
      findings: [`${result.reason}.`],
      action: `The log shows tampering (or lost its key file or anchor): treat its events from row ${row} on as untrustworthy, ${KEEP_A_COPY}, and find out who or what had access to it. Signing in keeps working. The log keeps failing from this row on; it cannot be made to pass again, by design.`,
    };
  }
  if (result.clean) {
    return {
      outcome: 'clean',
      summary: `Audit chain OK and clean: ${result.checked} rows checked, every one authenticated by the audit key, and every account and live session has its events.`,
      findings: [],
      action: 'Nothing to do.',
    };
  }
  const findings: string[] = [];
  const actions: string[] = [];
  if (result.beforeKey > 0) {
    findings.push(
      `${rows(result.beforeKey)} (1 to ${result.beforeKey}) ${were(result.beforeKey)} written before this profile had an audit key (while it had no secure storage): no key vouches for them, so a rewrite of them cannot be told from the original.`,
    );
    actions.push(
      `If this profile ran without secure storage before, rows up to ${result.beforeKey} are simply unauthenticated history; if it never did, someone may have rewritten the log and deleted its key file: ${KEEP_A_COPY}.`,
    );
  }
  if (result.unverifiedRows > 0) {
    findings.push(
      verifier === 'cli'
        ? `${rows(result.unverifiedRows)} rest on keyed rows whose MAC this tool cannot check (the audit key is in the app's keyring): their order and linkage were checked, not their contents.`
        : `${rows(result.unverifiedRows)} rest on keyed rows whose MAC could not be checked, because the audit key cannot be used now${result.warning ? ` (${result.warning})` : ''}.`,
    );
    actions.push(
      verifier === 'cli'
        ? 'The app authenticates them at every start: look for "audit log verified" in its log.'
        : 'Make the keyring available (unlock it) and start the app again: it then authenticates them.',
    );
  }
  if (result.pending > 0) {
    const from = result.checked - result.pending + 1;
    findings.push(
      `${rows(result.pending)} (${from} to ${result.checked}) ${were(result.pending)} written without the audit key after the app's newest keyed row (the maintenance CLI writes such rows, as does the app while its keyring is locked): until the app's next keyed row vouches for them, anyone who can write the data directory could have forged or changed them.`,
    );
    actions.push(
      `If you ran the maintenance CLI (or used the app with its keyring locked) since the app last wrote to the log, nothing to do: the app vouches for them at its next event. If nobody did, ${KEEP_A_COPY} before starting the app, and check rows ${from} to ${result.checked}.`,
    );
  }
  if (result.unrecordedSessions > 0) {
    findings.push(
      `${result.unrecordedSessions} live session${result.unrecordedSessions === 1 ? ' has' : 's have'} no sign-in event in the log: rows may have been cut from its end with an older copy of its anchor put back, or the app was killed while signing in.`,
    );
    actions.push(
      'List the sessions (`npm run -s sessions -- list --data-dir <dir>`) and revoke any nobody recognises.',
    );
  }
  return {
    outcome: 'not-clean',
    summary: `Audit chain OK, NOT clean: ${result.checked} rows checked, no tampering found, but ${notCleanBecause(result)}.`,
    findings,
    action: actions.join(' '),
  };
}

function notCleanBecause(result: AuditVerification): string {
  const parts: string[] = [];
  if (result.unauthenticated > 0)
    parts.push(
      `${rows(result.unauthenticated)} ${result.unauthenticated === 1 ? 'is' : 'are'} not authenticated`,
    );
  if (result.unrecordedSessions > 0)
    parts.push(
      `${result.unrecordedSessions} live session${result.unrecordedSessions === 1 ? '' : 's'} not recorded`,
    );
  return parts.join(' and ');
}

function rows(count: number): string {
  return `${count} row${count === 1 ? '' : 's'}`;
}

function were(count: number): string {
  return count === 1 ? 'was' : 'were';
}
