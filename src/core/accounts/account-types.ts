/** A local account, without its password hash. Times are ms since the epoch, UTC. */
export interface User {
  id: number;
  username: string;
  isActive: boolean;
  createdAt: number;
  updatedAt: number;
  passwordChangedAt: number;
}

/** A failed password check: what the runtime needs to answer, audit and count it. */
export type FailedPasswordCheck =
  | {
      ok: false;
      code: 'INVALID_CREDENTIALS';
      lockedNow: false;
      failures: number;
      userId: number | null;
    }
  | {
      ok: false;
      code: 'RATE_LIMITED';
      retryAfterMs: number;
      /** True when this very failure started the lock-out (false: it was locked already). */
      lockedNow: boolean;
      /** Failures counted so far; -1 when the attempt was refused before checking. */
      failures: number;
      userId: number | null;
    };

/** A password that matched. */
export interface VerifiedPassword {
  ok: true;
  user: User;
  /**
   * Whether the hash that was verified is still the account's, and the account still active.
   * Called inside the transaction that creates a session, so that a sign-in racing a password
   * change (another instance, the CLI) never outlives it.
   */
  stillCurrent(): boolean;
}

/** The result of checking a password. */
export type PasswordCheck = VerifiedPassword | FailedPasswordCheck;

/** A refused account change: the rule it broke, in words the user can act on. */
export interface AccountRefusal {
  ok: false;
  code: 'INVALID_INPUT' | 'USERNAME_TAKEN' | 'WEAK_PASSWORD';
  message: string;
}

/** The result of a registration. */
export type Registration = { ok: true; user: User } | AccountRefusal;

/** The result of a password change: refused by the rules, by the current password, or done. */
export type PasswordChange =
  { ok: true; user: User; revoked: number } | AccountRefusal | FailedPasswordCheck;
