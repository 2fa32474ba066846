import type { Statement } from 'better-sqlite3';
import type { LockoutConfig } from '../config';
import type { Db } from '../db/open-database';

interface ThrottleRow {
  failures: number;
  locked_until: number;
  last_failure_at: number;
}

/** What one more failure did. */
export interface RecordedFailure {
  failures: number;
  /** 0 when the name is not locked after this failure. */
  lockedUntil: number;
}

/**
 * Failed sign-ins per typed name, in SQLite so that a restart does not reset a lock-out. Keyed by
 * the name whether or not an account exists, so a lock-out says nothing about who has one. After
 * `threshold` failures the name is locked for `baseDelayMs`, doubling per further failure up to
 * `maxDelayMs`; failures older than `forgetAfterMs` no longer count.
 */
export class LoginThrottle {
  private readonly get: Statement<[string], ThrottleRow>;
  private readonly upsert: Statement<[string, number, number, number]>;
  private readonly clearStmt: Statement<[string]>;
  private readonly forget: Statement<[number, number]>;
  private readonly lockedCount: Statement<[number], number>;

  constructor(
    private readonly db: Db,
    private readonly config: LockoutConfig,
  ) {
    this.get = db.prepare(
      'SELECT failures, locked_until, last_failure_at FROM login_throttle WHERE username = ?',
    );
    this.upsert = db.prepare(
      `INSERT INTO login_throttle (username, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
       last_failure_at = excluded.last_failure_at`,
    );
    this.clearStmt = db.prepare('DELETE FROM login_throttle WHERE username = ?');
    this.forget = db.prepare(
      'DELETE FROM login_throttle WHERE locked_until <= ? AND last_failure_at <= ?',
    );
    this.lockedCount = db
      .prepare<[number], number>('SELECT count(*) FROM login_throttle WHERE locked_until > ?')
      .pluck();
  }

  /** How many names are locked out now. */
  countLocked(now: number): number {
    return this.lockedCount.get(now) ?? 0;
  }

  /** Milliseconds until `name` may try again; 0 when it is not locked. */
  lockedFor(name: string, now: number): number {
    const row = this.get.get(name);
    return row && row.locked_until > now ? row.locked_until - now : 0;
  }

  /** Counts one more failure, in one write transaction (another process may count too). */
  recordFailure(name: string, now: number): RecordedFailure {
    return this.db
      .transaction((): RecordedFailure => {
        const row = this.get.get(name);
        const recent = row && now - row.last_failure_at < this.config.forgetAfterMs;
        const failures = (recent ? row.failures : 0) + 1;
        const lockedFor = lockoutMs(this.config, failures);
        const lockedUntil = lockedFor > 0 ? now + lockedFor : 0;
        this.upsert.run(name, failures, lockedUntil, now);
        return { failures, lockedUntil };
      })
      .immediate();
  }

  /** A successful sign-in forgets the name's failures. */
  clear(name: string): void {
    this.clearStmt.run(name);
  }

  /** Forgets records that no longer lock anything. Returns how many. */
  forgetStale(now: number): number {
    return this.forget.run(now, now - this.config.forgetAfterMs).changes;
  }
}

/**
 * How long the `failures`-th failure in a row locks a name: 0 below the threshold, then
 * `baseDelayMs`, doubling per further failure, at most `maxDelayMs`.
 */
export function lockoutMs(
  config: Pick<LockoutConfig, 'threshold' | 'baseDelayMs' | 'maxDelayMs'>,
  failures: number,
): number {
  const over = failures - config.threshold;
  if (over < 0) return 0;
  return Math.min(config.baseDelayMs * 2 ** Math.min(over, 30), config.maxDelayMs);
}
