/**
 * Why the user is at sign-in, in their terms. Pure, so it is unit-tested.
 */
import type { SignedOutReason } from '../../contract/contract';

/** What the sign-in screen says about why nobody is signed in. */
export interface ReasonMessage {
  text: string;
  /** `warning` for sign-outs the user did not ask for. */
  tone: 'info' | 'warning';
}

const warning = (text: string): ReasonMessage => ({ text, tone: 'warning' });

/** The message for each reason; null when there is nothing to say. */
export function signedOutMessage(reason: SignedOutReason): ReasonMessage | null {
  switch (reason) {
    case 'not-signed-in':
      return null;
    case 'signed-out':
      return { text: 'You have signed out.', tone: 'info' };
    case 'expired':
      return warning('Your session expired. Sign in again to continue.');
    case 'idle-timeout':
      return warning(
        'Your session expired after a period of inactivity. Sign in again to continue.',
      );
    case 'revoked':
      return warning('You were signed out from another of your sessions.');
    case 'revoked-by-admin':
      return warning(
        'An administrator signed you out on this computer. Sign in again, or ask them why if you did not expect it.',
      );
    case 'password-changed':
      return warning(
        'You were signed out because your password changed. Sign in with the new one.',
      );
    case 'account-disabled':
      return warning(
        'You were signed out because this account has been turned off. Ask whoever manages Justice Companion on this computer.',
      );
    case 'device-locked':
      return warning('You were signed out because this computer was locked or went to sleep.');
    case 'storage-changed':
      return warning(
        'The keyring on this computer changed since you last used the app, so your saved sign-in could not be used. Sign in again.',
      );
    case 'storage-unavailable':
      return warning(
        'The keyring on this computer did not answer (it may be locked), so your saved sign-in could not be used. Unlock it, or sign in again.',
      );
    case 'restore-failed':
      return warning('Your saved sign-in could not be restored. Sign in again to continue.');
    default: {
      // A reason added to the contract later still gets a sensible message.
      const _unknown: never = reason;
      return warning('You were signed out. Sign in again to continue.');
    }
  }
}
