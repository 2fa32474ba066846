/** Every kind of event the audit log records. */
export type AuditEventType =
  | 'account-created'
  | 'account-deactivated'
  | 'account-activated'
  | 'sign-in'
  | 'sign-in-failed'
  | 'lock-out'
  | 'sign-out'
  | 'session-expired'
  | 'session-revoked'
  | 'sessions-revoked'
  | 'password-changed'
  | 'session-restored'
  | 'session-restore-failed'
  | 'session-persist-failed'
  | 'storage-backend-changed'
  | 'cleanup'
  | 'system-event'
  | 'profile-changed'
  | 'legacy-import'
  | 'legacy-import-failed';

/** Detail values are plain scalars; keys that look like secrets are refused when recorded. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** One event to record. */
export interface AuditEvent {
  event: AuditEventType;
  userId?: number | null;
  sessionId?: string | null;
  details?: AuditDetails;
}

/**
 * The result of verifying the audit chain. Three outcomes, in this order of precedence:
 *
 * - `ok: false`: the log proves tampering, or lost something it cannot be checked without (its
 *   key file, its anchor): `firstBadSeq` is the first row that cannot be trusted and `reason`
 *   says why.
 * - `ok: true, clean: false`: nothing proves tampering, but not every row is authenticated
 *   (`unauthenticated` > 0, broken down into `beforeKey`, `pending` and `unverifiedRows`), or a
 *   live session has no sign-in event (`unrecordedSessions` > 0).
 * - `clean: true`: every row is authenticated by the audit key, and every account and every live
 *   session in the database has its events in the chain.
 */
export interface AuditVerification {
  /** False when the log proves tampering (or lost its key file or anchor). */
  ok: boolean;
  /** `ok`, `unauthenticated` is 0 and `unrecordedSessions` is 0. */
  clean: boolean;
  /** Rows examined (up to the first bad one). */
  checked: number;
  /** With `ok: false`: the first sequence number that cannot be trusted (a missing seq for a deleted row). */
  firstBadSeq?: number;
  /** With `ok: false`: what is wrong, in words. */
  reason?: string;
  /** Whether the HMAC key was available here, so keyed rows could be authenticated. */
  keyed: boolean;
  /** Rows this verification could not authenticate: `beforeKey + pending + unverifiedRows`. */
  unauthenticated: number;
  /**
   * Rows written before the audit key existed (or on a profile without secure storage): no key
   * ever vouched for them, so nobody can tell them from a rewrite. They never become authenticated.
   */
  beforeKey: number;
  /**
   * Unkeyed rows after the newest keyed row (the maintenance CLI's, or a run whose keyring was
   * locked): the app's next keyed row vouches for them.
   */
  pending: number;
  /**
   * Rows whose authentication rests on a keyed row's MAC that could not be checked here because
   * the key is not available (the CLI never has it; a locked keyring): keyed rows and the unkeyed
   * rows they vouch for. Their order and linkage were checked.
   */
  unverifiedRows: number;
  /**
   * Live sessions older than a minute with no `sign-in` or `session-restored` event naming them:
   * rows were removed from the log (with an older copy of its anchor put back), or the app was
   * killed between creating the session and recording it. Never proof, never clean.
   */
  unrecordedSessions: number;
  /** Something a reader should know about the key (no secure storage, key unavailable here). */
  warning?: string;
}

/** A row of `audit_log` exactly as stored (the maintenance CLI and the tamper tests read these). */
export interface StoredAuditRow {
  seq: number;
  at: number;
  event: string;
  user_id: number | null;
  session_id: string | null;
  details: string;
  keyed: number;
  prev_hash: string;
  hash: string;
}

/** What a row's hash covers: every stored field but the hash itself. */
export type AuditRowContent = Omit<StoredAuditRow, 'hash'>;

/** A position in the chain: a row's seq and hash (seq 0 with the genesis hash: no rows yet). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** A head a key holder vouched for, with the HMAC that proves it. */
export interface AuditCheckpoint extends ChainHead {
  mac: string;
}

/** The head of the chain as `audit-anchor.json` holds it, outside the database so truncation shows. */
export interface AuditAnchor extends ChainHead {
  v: 1;
  /** HMAC of seq and hash, when the key was available to the writer. */
  mac?: string;
  /**
   * The newest row a key holder vouched for. Written when the key is created and moved by every
   * keyed append, but only from a checkpoint that verifies and still matches its row (so a
   * missing, bare or forged anchor stays that way, and a wipe cannot be laundered by the next
   * append); writers without the key (the CLI, a run with a locked keyring) copy it forward
   * unchanged. Every row up to it is protected by the chain, so rewriting keyed rows as unkeyed
   * ones (or dropping them) cannot go unnoticed.
   */
  checkpoint?: AuditCheckpoint;
  /**
   * Where the key took over: the head of the chain when the audit key was created, MAC'd, and
   * copied forward unchanged by every writer. Rows up to it were written before any key existed
   * and are never authenticated; unkeyed rows after it are vouched for by the next keyed row.
   * Absent in anchors written before origins existed: the verifier then takes the row before
   * the first keyed one (or the checkpoint, when no row is keyed yet).
   */
  origin?: AuditCheckpoint;
}

/** What the database holds that the chain must name, with when each was created (ms, UTC). */
export interface ExpectedEvents {
  /** Accounts: each needs an `account-created` (or `legacy-import`) row with its `user_id`. */
  accounts: ReadonlyArray<{ id: number; createdAt: number }>;
  /** Live sessions: each needs a `sign-in` (or `session-restored`) row with its `session_id`. */
  sessions: ReadonlyArray<{ id: string }>;
}

/** What the verifier is told besides the rows, the anchor and the key. */
export interface ChainVerifierOptions {
  /** Reported as the result's `warning` (why the key is not available, for instance). */
  warning?: string;
  /**
   * Whether `audit-key.enc` exists (default true). Without it, no row can be authenticated, and
   * keyed rows mean the key file was removed; with it, the anchor must exist and carry a
   * checkpoint, even when the key itself cannot be used here.
   */
  keyFileExists?: boolean;
  /** Accounts and live sessions whose events must be in the chain (none checked when absent). */
  expected?: ExpectedEvents;
}
