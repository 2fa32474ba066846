/**
 * What the renderer can know about an account's failed password checks, to warn before the
 * attempt that locks it. The core counts failures per account name (case-insensitively) and
 * locks after {@link LOCKOUT_THRESHOLD} in a row; sign-in, the password prompt and change
 * password all count towards it. The renderer sees only the answers it received, so this counts
 * those; a restart or another instance starts it from zero (it then warns late, never wrongly
 * early). Pure: no DOM, no timers.
 */

/** Failures in a row that lock an account: the core's documented default. */
export const LOCKOUT_THRESHOLD = 5;

/** What the next wrong password will do, as far as the renderer can tell. */
export type NextFailure =
  /** Nothing worth saying yet. */
  | { kind: 'none' }
  /** One attempt is left before the first lock-out, which lasts `lockoutMs` when the core said. */
  | { kind: 'last-attempt'; lockoutMs?: number }
  /** A lock-out has ended: any further failure locks again, for longer. */
  | { kind: 'locks-again' };

interface Tally {
  failures: number;
  /** A lock-out was seen for this name (its failures are not forgotten until a success). */
  wasLocked: boolean;
  /** When the current lock-out ends (ms, page clock); 0 when none is known. */
  lockedUntil: number;
  /** How long the next failure would lock the name, as the core last said. */
  lockoutMs?: number;
}

/** The key the core uses: names are compared case-insensitively. */
export function accountKey(name: string): string {
  return name.trim().toLowerCase();
}

/** Counts failed password checks per account name, from the answers this page received. */
export class AttemptTracker {
  private readonly records = new Map<string, Tally>();

  constructor(private readonly threshold: number = LOCKOUT_THRESHOLD) {}

  private record(name: string): Tally {
    const key = accountKey(name);
    let record = this.records.get(key);
    if (!record) {
      record = { failures: 0, wasLocked: false, lockedUntil: 0 };
      this.records.set(key, record);
    }
    return record;
  }

  /**
   * An `INVALID_CREDENTIALS` answer for `name` (its `error`). The core says how many attempts are
   * left (`attemptsLeft`), counting what other instances and earlier runs did too, and with one
   * left how long the next failure locks (`lockoutMs`); without them, this page's own answers
   * are counted.
   */
  failed(name: string, answer: { attemptsLeft?: number; lockoutMs?: number } = {}): void {
    const record = this.record(name);
    const { attemptsLeft, lockoutMs } = answer;
    record.failures =
      attemptsLeft === undefined ? record.failures + 1 : Math.max(0, this.threshold - attemptsLeft);
    record.lockoutMs = lockoutMs;
  }

  /** A `RATE_LIMITED` answer for `name`: locked for `retryAfterMs` from `now`. */
  locked(name: string, retryAfterMs: number, now: number): void {
    const record = this.record(name);
    record.wasLocked = true;
    record.failures = Math.max(record.failures, this.threshold);
    record.lockedUntil = now + retryAfterMs;
  }

  /** The password was right: the core forgets the failures, and so does this. */
  succeeded(name: string): void {
    this.records.delete(accountKey(name));
  }

  /** When the lock-out of `name` ends, or 0 when it is not known to be locked at `now`. */
  lockedUntil(name: string, now: number): number {
    const until = this.records.get(accountKey(name))?.lockedUntil ?? 0;
    return until > now ? until : 0;
  }

  /** What the next failure for `name` will do. */
  next(name: string): NextFailure {
    const record = this.records.get(accountKey(name));
    if (!record) return { kind: 'none' };
    if (record.wasLocked) return { kind: 'locks-again' };
    if (record.failures < this.threshold - 1) return { kind: 'none' };
    return { kind: 'last-attempt', lockoutMs: record.lockoutMs };
  }
}
