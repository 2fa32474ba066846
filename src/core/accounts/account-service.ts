import crypto from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Argon2Config, LockoutConfig } from '../config';
import type { Db } from '../db/open-database';
import { systemClock, type Clock } from '../ports';
import type { SessionManager } from '../sessions/session-manager';
import { PasswordHasher } from './password-hasher';

/** A local account, without its password hash. */
export interface User {
  id: number;
  username: string;
  isActive: boolean;
  createdAt: number;
  updatedAt: number;
  passwordChangedAt: number;
}

/** Usernames: 3–64 ASCII letters, digits and `. _ @ + -`, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{2,63}$/;
export const USERNAME_RULE =
  'Usernames are 3 to 64 characters: letters, digits and . _ @ + -, starting with a letter or digit.';

/** Password rules: length only, counted in characters exactly as typed. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;
export const PASSWORD_RULE = `Use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters. Any characters count, spaces included; a passphrase of a few words works well.`;

/** Why an account operation failed; the runtime maps the code onto an IPC error. */
export class AccountError extends Error {
  constructor(
    readonly code: 'INVALID_INPUT' | 'USERNAME_TAKEN' | 'WEAK_PASSWORD' | 'NOT_FOUND',
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

/** The result of checking a password. */
export type PasswordCheck =
  | { ok: true; user: User }
  | {
      ok: false;
      code: 'INVALID_CREDENTIALS';
      lockedNow: boolean;
      failures: number;
      userId: number | null;
    }
  | {
      ok: false;
      code: 'RATE_LIMITED';
      retryAfterMs: number;
      lockedNow: boolean;
      failures: number;
      userId: number | null;
    };

/** Options of {@link AccountService}. */
export interface AccountServiceOptions {
  db: Db;
  sessions: SessionManager;
  clock?: Clock;
  argon2: Argon2Config;
  lockout: LockoutConfig;
}

interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_active: number;
  created_at: number;
  updated_at: number;
  password_changed_at: number;
}

interface ThrottleRow {
  failures: number;
  locked_until: number;
  last_failure_at: number;
}

/** Returns a password-rule violation in words, or null when the password is acceptable. */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/**
 * Local accounts: registration, password checks with per-account throttling kept in SQLite,
 * password changes and deactivation. Unknown usernames cost the same hash work as known ones
 * and are throttled the same way, so neither timing nor lock-outs reveal who has an account.
 */
export class AccountService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly lockout: LockoutConfig;
  private readonly hasher: PasswordHasher;
  private readonly sessions: SessionManager;
  private dummyHash: Promise<string> | null = null;
  private readonly stmt: {
    byName: Statement<[string], UserRow>;
    byId: Statement<[number], UserRow>;
    insert: Statement<[string, string, number, number, number]>;
    setHash: Statement<[string, number, number, number]>;
    rehash: Statement<[string, number, number, string]>;
    setActive: Statement<[number, number, number]>;
    throttle: Statement<[string], ThrottleRow>;
    upsertThrottle: Statement<[string, number, number, number]>;
    clearThrottle: Statement<[string]>;
    forgetThrottle: Statement<[number, number]>;
  };

  constructor(options: AccountServiceOptions) {
    this.db = options.db;
    this.clock = options.clock ?? systemClock;
    this.lockout = options.lockout;
    this.hasher = new PasswordHasher(options.argon2);
    this.sessions = options.sessions;
    const db = this.db;
    this.stmt = {
      byName: db.prepare('SELECT * FROM users WHERE username = ?'),
      byId: db.prepare('SELECT * FROM users WHERE id = ?'),
      insert: db.prepare(
        'INSERT INTO users (username, password_hash, is_active, created_at, updated_at, password_changed_at) VALUES (?, ?, 1, ?, ?, ?)',
      ),
      setHash: db.prepare(
        'UPDATE users SET password_hash = ?, updated_at = ?, password_changed_at = ? WHERE id = ?',
      ),
      rehash: db.prepare(
        'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?',
      ),
      setActive: db.prepare('UPDATE users SET is_active = ?, updated_at = ? WHERE id = ?'),
      throttle: db.prepare(
        'SELECT failures, locked_until, last_failure_at FROM login_throttle WHERE username = ?',
      ),
      upsertThrottle: db.prepare(
        `INSERT INTO login_throttle (username, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
         last_failure_at = excluded.last_failure_at`,
      ),
      clearThrottle: db.prepare('DELETE FROM login_throttle WHERE username = ?'),
      forgetThrottle: db.prepare(
        'DELETE FROM login_throttle WHERE locked_until <= ? AND last_failure_at <= ?',
      ),
    };
  }

  /** Starts computing the decoy hash for unknown usernames, off the main thread. */
  warmUp(): void {
    this.decoyHash().catch(() => {});
  }

  /** Creates an account. Throws {@link AccountError} for a bad name, a taken name or a weak password. */
  async register(username: string, password: string): Promise<User> {
    if (!USERNAME_PATTERN.test(username)) throw new AccountError('INVALID_INPUT', USERNAME_RULE);
    const problem = passwordProblem(password);
    if (problem) throw new AccountError('WEAK_PASSWORD', problem);
    if (this.stmt.byName.get(username))
      throw new AccountError('USERNAME_TAKEN', 'That username is taken.');
    const phc = await this.hasher.hash(password);
    const now = this.clock.now();
    try {
      const id = Number(this.stmt.insert.run(username, phc, now, now, now).lastInsertRowid);
      return toUser(this.stmt.byId.get(id)!);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AccountError('USERNAME_TAKEN', 'That username is taken.');
      }
      throw error;
    }
  }

  /** Checks a sign-in. Locked names are refused without hashing; failures are counted. */
  async authenticate(username: string, password: string): Promise<PasswordCheck> {
    const throttleKey = username.slice(0, 256);
    const now = this.clock.now();
    const locked = this.lockedFor(throttleKey, now);
    const row = this.stmt.byName.get(throttleKey);
    if (locked > 0)
      return {
        ok: false,
        code: 'RATE_LIMITED',
        retryAfterMs: locked,
        lockedNow: false,
        failures: -1,
        userId: row?.id ?? null,
      };
    const matches = row
      ? await this.hasher.verify(row.password_hash, password)
      : (await this.hasher.verify(await this.decoyHash(), password)) && false;
    if (!matches || !row || row.is_active !== 1)
      return this.recordFailure(throttleKey, now, row?.id ?? null);
    this.stmt.clearThrottle.run(throttleKey);
    await this.upgradeHash(row, password, now);
    return { ok: true, user: toUser(row) };
  }

  /** Re-checks the password of a signed-in user (re-authentication), throttled like a sign-in. */
  async verifyPassword(userId: number, password: string): Promise<PasswordCheck> {
    const row = this.stmt.byId.get(userId);
    if (!row)
      return { ok: false, code: 'INVALID_CREDENTIALS', lockedNow: false, failures: 0, userId };
    return this.authenticate(row.username, password);
  }

  /** Replaces the password after checking the current one. Does not touch sessions. */
  async changePassword(
    userId: number,
    currentPassword: string,
    newPassword: string,
  ): Promise<PasswordCheck> {
    const problem = passwordProblem(newPassword);
    if (problem) throw new AccountError('WEAK_PASSWORD', problem);
    if (newPassword === currentPassword)
      throw new AccountError('WEAK_PASSWORD', 'Choose a password different from the current one.');
    const check = await this.verifyPassword(userId, currentPassword);
    if (!check.ok) return check;
    const phc = await this.hasher.hash(newPassword);
    const now = this.clock.now();
    this.stmt.setHash.run(phc, now, now, userId);
    return { ok: true, user: toUser(this.stmt.byId.get(userId)!) };
  }

  /** Activates or deactivates an account; deactivating ends every session it has. */
  setActive(userId: number, active: boolean): number {
    const now = this.clock.now();
    return this.db.transaction(() => {
      if (this.stmt.setActive.run(active ? 1 : 0, now, userId).changes === 0) {
        throw new AccountError('NOT_FOUND', 'No such account.');
      }
      return active ? 0 : this.sessions.revokeUserSessions(userId);
    })();
  }

  /** The account with this name (case-insensitive), or null. */
  findByUsername(username: string): User | null {
    const row = this.stmt.byName.get(username);
    return row ? toUser(row) : null;
  }

  /** The account with this id, or null. */
  findById(userId: number): User | null {
    const row = this.stmt.byId.get(userId);
    return row ? toUser(row) : null;
  }

  /** Milliseconds until `username` may try again; 0 when it is not locked. */
  lockedFor(username: string, now: number): number {
    const row = this.stmt.throttle.get(username);
    return row && row.locked_until > now ? row.locked_until - now : 0;
  }

  /** Forgets old failure records that no longer lock anything. Returns how many. */
  forgetStaleFailures(): number {
    const now = this.clock.now();
    return this.stmt.forgetThrottle.run(now, now - this.lockout.forgetAfterMs).changes;
  }

  private recordFailure(username: string, now: number, userId: number | null): PasswordCheck {
    const { failures, lockedUntil } = this.db
      .transaction(() => {
        const row = this.stmt.throttle.get(username);
        const previous =
          row && now - row.last_failure_at < this.lockout.forgetAfterMs ? row.failures : 0;
        const count = previous + 1;
        const over = count - this.lockout.threshold;
        const until =
          over >= 0
            ? now +
              Math.min(this.lockout.baseDelayMs * 2 ** Math.min(over, 30), this.lockout.maxDelayMs)
            : 0;
        this.stmt.upsertThrottle.run(username, count, until, now);
        return { failures: count, lockedUntil: until };
      })
      .immediate();
    if (lockedUntil > now) {
      return {
        ok: false,
        code: 'RATE_LIMITED',
        retryAfterMs: lockedUntil - now,
        lockedNow: true,
        failures,
        userId,
      };
    }
    return { ok: false, code: 'INVALID_CREDENTIALS', lockedNow: false, failures, userId };
  }

  private async upgradeHash(row: UserRow, password: string, now: number): Promise<void> {
    if (!this.hasher.needsRehash(row.password_hash)) return;
    const phc = await this.hasher.hash(password);
    // Only if nobody changed the password meanwhile.
    this.stmt.rehash.run(phc, now, row.id, row.password_hash);
  }

  private decoyHash(): Promise<string> {
    // A failed attempt is forgotten, so one argon2 hiccup does not break every later sign-in.
    this.dummyHash ??= this.hasher
      .hash(crypto.randomBytes(24).toString('base64url'))
      .catch((error: unknown) => {
        this.dummyHash = null;
        throw error;
      });
    return this.dummyHash;
  }
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    isActive: row.is_active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
  };
}
