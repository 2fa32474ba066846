import crypto from 'node:crypto';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  passwordProblem,
  SIGN_IN_NAME_MAX_LENGTH,
  usernameProblem,
} from '../../contract/account-rules';
import type { Argon2Config, LockoutConfig } from '../config';
import type { Db } from '../db/open-database';
import { systemClock, type Clock } from '../ports';
import type {
  FailedPasswordCheck,
  PasswordChange,
  PasswordCheck,
  Registration,
  User,
} from './account-types';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { toUser, UserQueries, type UserRow } from './user-queries';
import { VerificationTiming } from './verification-timing';

/** Options of {@link AccountService}. */
export interface AccountServiceOptions {
  db: Db;
  clock?: Clock;
  argon2: Argon2Config;
  lockout: LockoutConfig;
}

const TAKEN = 'That username is taken.';
const MALFORMED =
  'This password contains a broken character (an unpaired surrogate) that cannot be stored as typed. Remove it and try again.';

/**
 * Local accounts: registration, password checks with per-name throttling kept in SQLite, password
 * changes and (de)activation. Unknown usernames cost the same hash work as known ones and are
 * throttled the same way, and every failure takes as long as the slowest hash in use, so neither
 * timing nor lock-outs reveal who has an account. Sessions are not its business: the runtime ends
 * them when an account is deactivated or its password changes.
 */
export class AccountService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly hasher: PasswordHasher;
  private readonly timing: VerificationTiming;
  private readonly users: UserQueries;
  private readonly throttle: LoginThrottle;
  private decoy: Promise<string> | null = null;
  private learnt: Promise<void> | null = null;
  private learntVersion = '';

  constructor(options: AccountServiceOptions) {
    this.db = options.db;
    this.clock = options.clock ?? systemClock;
    this.hasher = new PasswordHasher(options.argon2);
    this.timing = new VerificationTiming(this.hasher);
    this.users = new UserQueries(options.db);
    this.throttle = new LoginThrottle(options.db, options.lockout);
  }

  /**
   * Prepares sign-ins off the main thread: the decoy hash for unknown names, and the time a
   * verification takes for every parameter set the stored hashes use. Call again when hashes may
   * have come from elsewhere (an import by another process); sign-ins wait for the first run.
   */
  warmUp(): Promise<void> {
    const run = (async () => {
      // A turn later, not in the caller's: at startup, reading every hash would delay the restore.
      await yieldToEventLoop();
      if (!this.db.open) return;
      // Nothing to learn when no hash can have changed since the last run (the periodic call).
      const version = this.users.hashesVersion();
      if (version === this.learntVersion) return;
      const hashes = [...this.users.hashes(), await this.decoyHash()];
      await this.timing.learn(hashes);
      // Only once learnt: a failed run is tried again at the next call.
      this.learntVersion = version;
    })().catch(() => {
      // A failed warm-up leaves the floor lower until verifications teach it; sign-ins still work.
    });
    this.learnt ??= run;
    return run;
  }

  /**
   * Creates an account, or says which rule the name or password breaks. `commit` runs the insert
   * (the runtime records `account-created` in the same transaction).
   */
  async register(
    username: string,
    password: string,
    commit: (insert: () => User) => User = (insert) => insert(),
  ): Promise<Registration> {
    const badName = usernameProblem(username);
    if (badName) return { ok: false, code: 'INVALID_INPUT', message: badName };
    const weak = newPasswordProblem(password);
    if (weak) return { ok: false, code: 'WEAK_PASSWORD', message: weak };
    if (this.users.byName.get(username))
      return { ok: false, code: 'USERNAME_TAKEN', message: TAKEN };
    const phc = await this.hasher.hash(password);
    try {
      const insert = (): User =>
        toUser(this.users.byId.get(this.users.insert(username, phc, this.clock.now()))!);
      return { ok: true, user: commit(insert) };
    } catch (error) {
      // Another process registered the name while the hash was computed.
      if ((error as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
      return { ok: false, code: 'USERNAME_TAKEN', message: TAKEN };
    }
  }

  /** Checks a sign-in. Locked names are refused without hashing; failures are counted. */
  async authenticate(username: string, password: string): Promise<PasswordCheck> {
    const name = username.slice(0, SIGN_IN_NAME_MAX_LENGTH);
    const now = this.clock.now();
    const row = this.users.byName.get(name);
    const locked = this.throttle.lockedFor(name, now);
    if (locked > 0) {
      const userId = row?.id ?? null;
      return {
        ok: false,
        code: 'RATE_LIMITED',
        retryAfterMs: locked,
        lockedNow: false,
        failures: -1,
        userId,
      };
    }
    await this.learnt;
    const started = performance.now();
    const phc = row?.password_hash ?? (await this.decoyHash());
    // A password that is not well-formed Unicode cannot have been stored as typed: it never
    // matches, but costs the same work.
    const matches = (await this.hasher.verify(phc, password)) && password.isWellFormed();
    this.timing.observe(phc, performance.now() - started);
    if (!matches || !row || row.is_active !== 1) {
      await this.timing.padFrom(started);
      return this.fail(name, now, row?.id ?? null);
    }
    this.throttle.clear(name);
    const current = await this.upgradeHash(row, password, now);
    return { ok: true, user: toUser(row), stillCurrent: () => this.isCurrent(row.id, current) };
  }

  /** Re-checks the password of a signed-in user (re-authentication), throttled like a sign-in. */
  async verifyPassword(userId: number, password: string): Promise<PasswordCheck> {
    const row = this.users.byId.get(userId);
    if (!row)
      return { ok: false, code: 'INVALID_CREDENTIALS', lockedNow: false, failures: 0, userId };
    return this.authenticate(row.username, password);
  }

  /**
   * Replaces the password after checking the new one's rules and the current one. The new hash is
   * stored only if the verified one is still the account's, in one transaction with `alongside`
   * (the runtime ends the other sessions there), so that two changes cannot both win.
   */
  async changePassword(
    userId: number,
    current: string,
    next: string,
    alongside: () => number = () => 0,
  ): Promise<PasswordChange> {
    const weak = newPasswordProblem(next);
    if (weak) return { ok: false, code: 'WEAK_PASSWORD', message: weak };
    if (next === current) {
      const message = 'Choose a password different from the current one.';
      return { ok: false, code: 'WEAK_PASSWORD', message };
    }
    const check = await this.verifyPassword(userId, current);
    if (!check.ok) return check;
    const verified = this.users.byId.get(userId)!.password_hash;
    const phc = await this.hasher.hash(next);
    const revoked = this.db
      .transaction((): number | null => {
        if (!check.stillCurrent()) return null;
        this.users.setPassword(userId, phc, verified, this.clock.now());
        return alongside();
      })
      .immediate();
    if (revoked === null)
      return { ok: false, code: 'INVALID_CREDENTIALS', lockedNow: false, failures: 0, userId };
    return { ok: true, user: toUser(this.users.byId.get(userId)!), revoked };
  }

  /** Activates or deactivates an account; false when there is no such account. */
  setActive(userId: number, active: boolean): boolean {
    return this.users.setActive(userId, active, this.clock.now());
  }

  /** The account with this name (case-insensitive), or null. */
  findByUsername(username: string): User | null {
    const row = this.users.byName.get(username);
    return row ? toUser(row) : null;
  }

  /** The account with this id, or null. */
  findById(userId: number): User | null {
    const row = this.users.byId.get(userId);
    return row ? toUser(row) : null;
  }

  /** Forgets old failure records that no longer lock anything. Returns how many. */
  forgetStaleFailures(): number {
    return this.throttle.forgetStale(this.clock.now());
  }

  private isCurrent(userId: number, phc: string): boolean {
    const row = this.users.byId.get(userId);
    return row !== undefined && row.is_active === 1 && row.password_hash === phc;
  }

  private fail(name: string, now: number, userId: number | null): FailedPasswordCheck {
    const { failures, lockedUntil } = this.throttle.recordFailure(name, now);
    if (lockedUntil <= now)
      return { ok: false, code: 'INVALID_CREDENTIALS', lockedNow: false, failures, userId };
    const retryAfterMs = lockedUntil - now;
    return { ok: false, code: 'RATE_LIMITED', retryAfterMs, lockedNow: true, failures, userId };
  }

  /** The hash the account has after a successful sign-in: a stronger one when it was weaker. */
  private async upgradeHash(row: UserRow, password: string, now: number): Promise<string> {
    if (!this.hasher.needsRehash(row.password_hash)) return row.password_hash;
    const phc = await this.hasher.hash(password);
    // Only if nobody changed the password meanwhile.
    return this.users.rehash(row.id, phc, row.password_hash, now) ? phc : row.password_hash;
  }

  private decoyHash(): Promise<string> {
    // A failed attempt is forgotten, so one argon2 hiccup does not break every later sign-in.
    this.decoy ??= this.hasher
      .hash(crypto.randomBytes(24).toString('base64url'))
      .catch((error: unknown) => {
        this.decoy = null;
        throw error;
      });
    return this.decoy;
  }
}

/** The rules for a new password, plus one the typed text itself must meet. */
function newPasswordProblem(password: string): string | null {
  return password.isWellFormed() ? passwordProblem(password) : MALFORMED;
}
