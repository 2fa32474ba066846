/**
 * What the UI says when sessions cannot be kept across restarts, and what the user can do about
 * it. Pure, so it is unit-tested.
 */
import type { StorageStatus } from '../../contract/contract';
import { formatLifetime } from './time';

/** A notice: a title, what it means, and what to do. */
export interface StorageNotice {
  title: string;
  text: string;
  fix: string;
}

/** What to do, said once for both cases: the keyring is the fix either way. */
const FIX =
  'To stay signed in, unlock your system keyring (or install one: GNOME Keyring or KDE Wallet on Linux), then restart Justice Companion.';

/** Why sessions cannot be kept across restarts, in plain words; null when they can. */
export function storageNotice(storage: StorageStatus): StorageNotice | null {
  if (storage.persistent) return null;
  if (storage.reason === 'weak-backend') {
    return {
      title: 'You will need to sign in each time you start the app',
      text: 'This computer only offers a basic password store, which does not encrypt what it keeps, so Justice Companion will not store your sign-in there.',
      fix: FIX,
    };
  }
  return {
    title: 'You will need to sign in each time you start the app',
    text: 'Justice Companion could not find a keyring on this computer to keep your sign-in safe, so it keeps it only until you quit.',
    fix: FIX,
  };
}

/** Why "Keep me signed in" is turned off, beside the checkbox; null when it works. */
export function rememberUnavailableHint(storage: StorageStatus): string | null {
  if (storage.persistent) return null;
  return storage.reason === 'weak-backend'
    ? 'Not available: this computer has only a basic password store, which is not safe enough to keep you signed in. Unlock or install a keyring to use it.'
    : 'Not available: no keyring was found on this computer to keep you signed in safely. Unlock or install one to use it.';
}

/** The checkbox's words, with the remembered lifetime when the state gives it. */
export function rememberLabel(forMs: number | undefined): string {
  return forMs === undefined
    ? 'Keep me signed in'
    : `Keep me signed in for ${formatLifetime(forMs)}`;
}
