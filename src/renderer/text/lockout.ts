/**
 * The words around a lock-out: why the form is paused, the ticking wait, and the warning before
 * the attempt that locks. Pure, so it is unit-tested.
 */
import type { NextFailure } from '../logic/attempts';
import { formatCountdown, formatDuration } from './time';

/** Where the password is checked: sign-in, or a check of a signed-in user's password. */
export type CheckKind = 'sign-in' | 'password-check';

/** Why the form is paused. */
export function lockedText(kind: CheckKind): string {
  return kind === 'sign-in'
    ? 'Too many failed attempts, so sign-in for this account is paused.'
    : 'Too many wrong passwords, so password checks for this account are paused (signing in too).';
}

/** The ticking part: "Try again in 25 seconds." */
export function countdownText(remainingMs: number): string {
  return `Try again in ${formatCountdown(remainingMs)}.`;
}

/** Said once the wait is over. */
export const LOCK_ENDED_TEXT = 'You can try again now.';

/** The warning before a failure that locks, or null when there is nothing to warn about. */
export function nextFailureWarning(next: NextFailure, kind: CheckKind): string | null {
  const what = kind === 'sign-in' ? 'sign-in for this account' : 'password checks (and sign-in)';
  switch (next.kind) {
    case 'none':
      return null;
    case 'last-attempt': {
      const length = next.lockoutMs === undefined ? '' : ` for ${formatDuration(next.lockoutMs)}`;
      return `One attempt left: one more wrong password pauses ${what}${length}.`;
    }
    case 'locks-again':
      return `Another wrong password pauses ${what} again, for longer.`;
  }
}
