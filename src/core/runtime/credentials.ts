import { fail, type IpcResult } from '../../contract/contract';
import type { AccountService } from '../accounts/account-service';
import type { LockoutConfig } from '../config';
import type { FailedPasswordCheck } from '../accounts/account-types';
import { lockoutMs } from '../accounts/login-throttle';
import type { Clock } from '../ports';
import type { RecordEvent } from './audit-trail';
import type { Current } from './current-session';

/** Where a password was checked, for the audit log. */
export type CredentialContext = 'sign-in' | 'reauthenticate' | 'change-password';

/** What {@link refuseCredentials} works with. */
export interface RefusalDeps {
  record: RecordEvent;
  /** Failures before a lock-out and its first length, to warn before the attempt that locks. */
  lockout: Pick<LockoutConfig, 'threshold' | 'baseDelayMs' | 'maxDelayMs'>;
}

/**
 * The answer to a failed password check, audited: the failure (and a lock-out it started) goes
 * to the audit log, the user gets `INVALID_CREDENTIALS` with `message` and how many attempts are
 * left, or `RATE_LIMITED` with the wait.
 */
export function refuseCredentials(
  check: FailedPasswordCheck,
  message: string,
  context: CredentialContext,
  deps: RefusalDeps,
): IpcResult<never> {
  const { record } = deps;
  const outcome =
    check.code === 'RATE_LIMITED' && !check.lockedNow ? 'locked' : 'wrong-credentials';
  record('sign-in-failed', check.userId, null, { context, outcome, failures: check.failures });
  if (check.code !== 'RATE_LIMITED') {
    const attemptsLeft = Math.max(0, deps.lockout.threshold - check.failures);
    // The renderer warns before the attempt that locks, with the host's length, not a default.
    const extra =
      attemptsLeft === 1
        ? { attemptsLeft, lockoutMs: lockoutMs(deps.lockout, deps.lockout.threshold) }
        : { attemptsLeft };
    return fail('INVALID_CREDENTIALS', message, extra);
  }
  if (check.lockedNow)
    record('lock-out', check.userId, null, { context, lockedForMs: check.retryAfterMs });
  const seconds = Math.ceil(check.retryAfterMs / 1000);
  const wait = `Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`;
  return fail('RATE_LIMITED', `Too many failed attempts. ${wait}`, {
    retryAfterMs: check.retryAfterMs,
  });
}

/** What {@link reauthenticate} works with. */
export interface ReauthDeps extends RefusalDeps {
  accounts: AccountService;
  clock: Clock;
  /** A password entered this recently in this instance is enough. */
  windowMs: number;
}

/**
 * Revoking another session needs a password entered within the re-auth window: the one given
 * now, or one entered recently in this instance (never after a restore).
 */
export async function reauthenticate(
  c: Current,
  password: string | undefined,
  deps: ReauthDeps,
): Promise<IpcResult<never> | null> {
  const now = deps.clock.now();
  if (password === undefined) {
    return now - c.reauthAt < deps.windowMs
      ? null
      : fail('REAUTH_REQUIRED', 'Enter your password to continue.');
  }
  const check = await deps.accounts.verifyPassword(c.userId, password);
  if (!check.ok) return refuseCredentials(check, 'Incorrect password', 'reauthenticate', deps);
  c.reauthAt = now;
  return null;
}
