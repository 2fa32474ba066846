import { macMatches } from './anchor-file';
import {
  anchorMac,
  checkpointMac,
  GENESIS_HEAD,
  originMac,
  rowHash,
  safeEqualHex,
} from './audit-chain';
import type {
  AuditAnchor,
  AuditVerification,
  ChainVerifierOptions,
  StoredAuditRow,
} from './audit-types';

/** Events that name an account as created (a legacy import names each account it brings in). */
const ACCOUNT_EVENTS: ReadonlySet<string> = new Set(['account-created', 'legacy-import']);
/** Events that name a session as begun on this profile. */
const SESSION_EVENTS: ReadonlySet<string> = new Set(['sign-in', 'session-restored']);

interface Problem {
  firstBadSeq: number;
  reason: string;
}

/**
 * Checks an audit chain fed one row at a time, in seq order, against the anchor, the HMAC key
 * (null: keyed rows are checked for order and linkage only) and what the database holds. Pure:
 * it reads no database or file, so a caller can page through a long log and yield between pages.
 *
 * Reports the first row that cannot be trusted (`ok: false`) for an edited, deleted, reordered or
 * forged row, a truncated tail, a missing or forged anchor, a missing key file, or an account the
 * chain never recorded; otherwise counts the rows no key vouches for (`unauthenticated`) and the
 * live sessions it never recorded. A keyed row's MAC covers its `prev_hash`, which is the hash of
 * the row before it, which covers that row's `prev_hash`, and so on: a keyed row vouches for every
 * row before it, unkeyed ones included, back to where the key took over (the anchor's origin).
 */
export class ChainVerifier {
  private expected = 1;
  private prevHash = GENESIS_HEAD.hash;
  private checked = 0;
  private firstKeyed = 0;
  /** The newest keyed row (authentic when the key is here, unverified otherwise); 0: none. */
  private lastKeyed = 0;
  private lastKeyedBeforeCheckpoint = 0;
  /** The previous row was keyed and its MAC checked: its hash is genuine. */
  private previousAuthentic = false;
  private readonly marks = new Map<number, string>();
  private keyedAtAnchor = false;
  private readonly keyFileExists: boolean;
  private readonly accounts: Map<number, number> | null;
  private readonly sessions: Set<string> | null;
  /** Account creation times, ascending, and the first seq recorded at or after each. */
  private readonly times: number[];
  private readonly seqAfter = new Map<number, number>();
  private problem: Problem | undefined;

  constructor(
    private readonly anchor: AuditAnchor | null,
    private readonly key: Buffer | null,
    private readonly options: ChainVerifierOptions = {},
  ) {
    this.keyFileExists = options.keyFileExists ?? true;
    const { expected } = options;
    this.accounts = expected ? new Map(expected.accounts.map((a) => [a.id, a.createdAt])) : null;
    this.sessions = expected ? new Set(expected.sessions.map((s) => s.id)) : null;
    this.times = [...new Set(this.accounts?.values() ?? [])].sort((a, b) => a - b);
  }

  /** Checks the next row. False once the chain is broken: stop feeding and call `finish()`. */
  push(row: StoredAuditRow): boolean {
    if (this.problem) return false;
    this.checked += 1;
    this.problem = this.checkRow(row);
    return this.problem === undefined;
  }

  /** The verdict: the first broken row pushed, or else what the anchor and the database say. */
  finish(): AuditVerification {
    const walked = this.problem === undefined;
    const problem = this.problem ?? earliest(this.tailProblem(), this.accountProblem());
    const counts = this.counts();
    const unrecordedSessions = walked ? (this.sessions?.size ?? 0) : 0;
    const ok = problem === undefined;
    return {
      ok,
      clean: ok && counts.unauthenticated === 0 && unrecordedSessions === 0,
      checked: this.checked,
      keyed: this.key !== null,
      ...counts,
      unrecordedSessions,
      ...(this.options.warning ? { warning: this.options.warning } : {}),
      ...problem,
    };
  }

  private checkRow(row: StoredAuditRow): Problem | undefined {
    const seq = this.expected;
    if (row.seq !== seq) return { firstBadSeq: seq, reason: `row ${seq} is missing` };
    const self = this.authenticity(row);
    if (self === 'bad') return { firstBadSeq: seq, reason: `row ${seq} was altered` };
    const authentic = self === 'ok' && row.keyed === 1;
    if (row.prev_hash !== this.prevHash) {
      // A broken link: either the predecessor changed or this row's prev_hash did. An authentic
      // (keyed, MAC-checked) row vouches for its prev_hash, so the predecessor changed; after an
      // authentic predecessor, this row changed. Between rows that cannot vouch for anything
      // (unkeyed, or keyed without the key) the earlier one is the first that cannot be trusted:
      // that is where an edited unkeyed row with a recomputed hash is (if it was this row's
      // prev_hash that was rewritten instead, the blame is one row early).
      const culprit = seq === 1 || (this.previousAuthentic && !authentic) ? seq : seq - 1;
      return { firstBadSeq: culprit, reason: `row ${culprit} was altered or replaced` };
    }
    const { anchor } = this;
    if (seq === anchor?.seq) this.keyedAtAnchor = row.keyed === 1;
    if (seq === anchor?.checkpoint?.seq) this.lastKeyedBeforeCheckpoint = this.lastKeyed;
    if (seq === anchor?.seq || seq === anchor?.checkpoint?.seq || seq === anchor?.origin?.seq)
      this.marks.set(seq, row.hash);
    if (row.keyed === 1) {
      if (this.firstKeyed === 0) this.firstKeyed = seq;
      this.lastKeyed = seq;
    }
    this.cover(row);
    this.previousAuthentic = authentic;
    this.prevHash = row.hash;
    this.expected += 1;
    return undefined;
  }

  /** Crosses off the account or session `row` names, and places account creation times. */
  private cover(row: StoredAuditRow): void {
    if (row.user_id !== null && ACCOUNT_EVENTS.has(row.event)) this.accounts?.delete(row.user_id);
    if (row.session_id !== null && SESSION_EVENTS.has(row.event))
      this.sessions?.delete(row.session_id);
    while (this.seqAfter.size < this.times.length && this.times[this.seqAfter.size]! <= row.at)
      this.seqAfter.set(this.times[this.seqAfter.size]!, row.seq);
  }

  private authenticity(row: StoredAuditRow): 'ok' | 'bad' | 'unverified' {
    if (row.keyed === 1 && !this.key) return 'unverified';
    const expected = rowHash(row, row.keyed === 1 ? this.key : null);
    return safeEqualHex(expected, row.hash) ? 'ok' : 'bad';
  }

  /** The hash the chain holds at `seq` (the genesis hash at 0), if the walk got there. */
  private hashAt(seq: number): string | undefined {
    return seq === 0 ? GENESIS_HEAD.hash : this.marks.get(seq);
  }

  /**
   * Where the key took over: rows up to here were written before any key existed. The anchor's
   * origin; for anchors written before origins existed, the row before the first keyed one, or
   * the checkpoint while no row is keyed yet (it was written when the key was created).
   */
  private originSeq(lastSeq: number): number {
    const { anchor } = this;
    const seq =
      anchor?.origin?.seq ??
      (this.firstKeyed > 0 ? this.firstKeyed - 1 : (anchor?.checkpoint?.seq ?? lastSeq));
    return Math.min(seq, lastSeq);
  }

  private counts(): Pick<
    AuditVerification,
    'unauthenticated' | 'beforeKey' | 'pending' | 'unverifiedRows'
  > {
    const lastSeq = this.expected - 1;
    if (!this.keyFileExists) {
      // No key: nothing vouches for any row (keyed rows here are reported as a missing key file).
      return { unauthenticated: lastSeq, beforeKey: lastSeq, pending: 0, unverifiedRows: 0 };
    }
    const origin = this.originSeq(lastSeq);
    const vouchedUpTo = Math.max(origin, this.lastKeyed);
    const pending = lastSeq - vouchedUpTo;
    const unverifiedRows = this.key ? 0 : vouchedUpTo - origin;
    return {
      unauthenticated: origin + pending + unverifiedRows,
      beforeKey: origin,
      pending,
      unverifiedRows,
    };
  }

  /** Every row pushed was sound; checks the key file and the anchor against the end of the chain. */
  private tailProblem(): Problem | undefined {
    const { anchor, key } = this;
    const lastSeq = this.expected - 1;
    if (!this.keyFileExists && this.firstKeyed > 0) {
      return {
        firstBadSeq: this.firstKeyed,
        reason: `the audit key file is missing: keyed rows from ${this.firstKeyed} on can never be authenticated again`,
      };
    }
    if (!anchor) {
      if (lastSeq > 0) {
        return {
          firstBadSeq: lastSeq + 1,
          reason: `the chain anchor file is missing (rows after ${lastSeq} may have been removed)`,
        };
      }
      if (this.keyFileExists) {
        return {
          firstBadSeq: 1,
          reason:
            'the chain anchor file is missing although the audit key exists: the log was wiped',
        };
      }
      return undefined;
    }
    if (key) {
      if (anchor.mac !== undefined && !macMatches(anchor, key, anchorMac))
        return { firstBadSeq: lastSeq + 1, reason: 'the chain anchor was forged' };
      if (anchor.origin && !macMatches(anchor.origin, key, originMac))
        return { firstBadSeq: 1, reason: "the chain anchor's origin was forged" };
    }
    const problem =
      this.checkpointProblem(anchor, key, lastSeq) ?? this.originProblem(anchor, lastSeq);
    if (problem) return problem;
    if (anchor.mac === undefined && this.keyedAtAnchor) {
      // Only a writer with the key writes keyed rows, and it always MACs the anchor it moves to
      // them: a bare anchor on a keyed row was written by someone else (e.g. after truncating).
      return {
        firstBadSeq: lastSeq + 1,
        reason: `the chain anchor was rewritten without its MAC (rows after ${anchor.seq} may have been removed)`,
      };
    }
    if (anchor.seq > lastSeq) {
      return {
        firstBadSeq: lastSeq + 1,
        reason: `rows after ${lastSeq} were removed (the anchor says ${anchor.seq})`,
      };
    }
    if (this.hashAt(anchor.seq) !== anchor.hash) {
      const seq = Math.max(anchor.seq, 1);
      return { firstBadSeq: seq, reason: `row ${anchor.seq} does not match the anchor` };
    }
    return undefined;
  }

  /**
   * Rows a key holder vouched for must still be there, unchanged. A rewrite of keyed rows as
   * unkeyed ones starts after the last keyed row before the checkpoint. Where a key file exists,
   * a checkpoint must too (it is written with the key), whether or not the key can be used here.
   */
  private checkpointProblem(
    anchor: AuditAnchor,
    key: Buffer | null,
    lastSeq: number,
  ): Problem | undefined {
    if (!this.keyFileExists) return undefined;
    const { checkpoint } = anchor;
    if (!checkpoint || (key && !macMatches(checkpoint, key, checkpointMac))) {
      return {
        firstBadSeq: this.lastKeyed + 1,
        reason: 'the chain anchor lost its keyed checkpoint, or it was forged',
      };
    }
    if (checkpoint.seq > lastSeq) {
      // A head anchor still pointing past the end is a plain truncation; one moved back onto
      // the remaining rows was rewritten, so nothing after the last keyed row is trusted.
      return {
        firstBadSeq: anchor.seq > lastSeq ? lastSeq + 1 : this.lastKeyed + 1,
        reason: `rows up to ${checkpoint.seq} were vouched for by the key, but the log ends at ${lastSeq}`,
      };
    }
    if (this.hashAt(checkpoint.seq) !== checkpoint.hash) {
      const after = this.lastKeyedBeforeCheckpoint;
      return {
        firstBadSeq: after + 1,
        reason: `rows after ${after} were rewritten (row ${checkpoint.seq} no longer matches the keyed checkpoint)`,
      };
    }
    return undefined;
  }

  /** The rows written before the key must be the ones the key found when it was created. */
  private originProblem(anchor: AuditAnchor, lastSeq: number): Problem | undefined {
    const { origin } = anchor;
    if (!origin || !this.keyFileExists) return undefined;
    if (origin.seq > lastSeq) {
      return {
        firstBadSeq: lastSeq + 1,
        reason: `rows after ${lastSeq} were removed (the audit key was created at row ${origin.seq})`,
      };
    }
    if (this.hashAt(origin.seq) !== origin.hash) {
      return {
        firstBadSeq: 1,
        reason: `rows up to ${origin.seq}, written before the audit key existed, were rewritten after it was created`,
      };
    }
    return undefined;
  }

  /**
   * Every account must have its creation in the chain: the app records it right after the
   * account row, so an account without one means rows were removed (the log wiped, or cut back
   * with an older copy of its anchor put back). Blamed on the first row recorded at or after the
   * account's creation, where its event belongs.
   */
  private accountProblem(): Problem | undefined {
    const missing = this.accounts;
    if (!missing || missing.size === 0) return undefined;
    const [id, createdAt] = [...missing].reduce((a, b) => (b[1] < a[1] ? b : a));
    const firstBadSeq = this.seqAfter.get(createdAt) ?? this.expected;
    const count = missing.size === 1 ? 'an account' : `${missing.size} accounts`;
    return {
      firstBadSeq,
      reason: `${count} in the database (account ${id} first) ${missing.size === 1 ? 'has' : 'have'} no account-created (or legacy-import) event in the log: rows were removed at row ${firstBadSeq} (the log wiped, or cut back with an older copy of its anchor put back)`,
    };
  }
}

/**
 * Of two problems found after a sound walk, the one with the earlier first bad row (the tail's
 * on a tie): a log wiped and restarted lacks its anchor after its last row, and the accounts'
 * events before its first.
 */
function earliest(a: Problem | undefined, b: Problem | undefined): Problem | undefined {
  if (!a || !b) return a ?? b;
  return b.firstBadSeq < a.firstBadSeq ? b : a;
}

/** Verifies a whole chain held in memory (rows in seq order); see {@link ChainVerifier}. */
export function verifyChain(
  rows: Iterable<StoredAuditRow>,
  anchor: AuditAnchor | null,
  key: Buffer | null,
  options: ChainVerifierOptions = {},
): AuditVerification {
  const verifier = new ChainVerifier(anchor, key, options);
  for (const row of rows) if (!verifier.push(row)) break;
  return verifier.finish();
}
