/**
 * Pure renderer logic: the words the UI shows for reasons, storage states and errors, password
 * rules, and time formatting. No DOM here, so it is unit-tested under Node.
 */
import type { ErrorCode, SignedOutReason, StorageStatus } from '../shared/contract';

/** Mirrors the account rules of the core: length only, counted as typed. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

export const PASSWORD_RULES_TEXT =
  `Use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters. Any characters count, spaces included: ` +
  'a passphrase of a few words works well.';

export const USERNAME_RULES_TEXT =
  '3 to 64 characters: letters, digits and . _ @ + -, starting with a letter or digit.';

/** The one message for a failed sign-in, whatever went wrong. */
export const BAD_CREDENTIALS_TEXT = 'Incorrect username or password.';

/** What the sign-in screen says about why nobody is signed in. */
export interface ReasonMessage {
  text: string;
  /** `warning` for sign-outs the user did not ask for. */
  tone: 'info' | 'warning';
}

/** The message for each {@link SignedOutReason}; null when there is nothing to say. */
export function signedOutMessage(reason: SignedOutReason): ReasonMessage | null {
  switch (reason) {
    case 'not-signed-in':
      return null;
    case 'signed-out':
      return { text: 'You have signed out.', tone: 'info' };
    case 'expired':
      return { text: 'Your session expired. Please sign in again.', tone: 'warning' };
    case 'idle-timeout':
      return {
        text: 'Your session expired after a period of inactivity. Please sign in again.',
        tone: 'warning',
      };
    case 'revoked':
      return { text: 'You were signed out from another session.', tone: 'warning' };
    case 'password-changed':
      return { text: 'You were signed out because your password changed.', tone: 'warning' };
    case 'account-disabled':
      return {
        text: 'You were signed out because this account is no longer active.',
        tone: 'warning',
      };
    case 'device-locked':
      return {
        text: 'You were signed out because this computer was locked or went to sleep.',
        tone: 'warning',
      };
    case 'storage-changed':
      return {
        text: 'Secure storage on this computer changed, so you need to sign in again.',
        tone: 'warning',
      };
    case 'storage-unavailable':
      return {
        text: 'Secure storage on this computer is not available right now, so your saved sign-in could not be used. Please sign in again.',
        tone: 'warning',
      };
    case 'restore-failed':
      return {
        text: 'Your saved sign-in could not be restored. Please sign in again.',
        tone: 'warning',
      };
    default: {
      // A reason added to the contract later still gets a sensible message.
      const _unknown: never = reason;
      return { text: 'You were signed out. Please sign in again.', tone: 'warning' };
    }
  }
}

/** Why sessions cannot be kept across restarts, in plain words; null when they can. */
export function storageNotice(storage: StorageStatus): string | null {
  if (storage.persistent) return null;
  if (storage.reason === 'weak-backend') {
    return (
      'You will need to sign in again each time the app starts: this computer only offers a weak key store ' +
      `("${storage.backend}"), which is not safe enough to keep you signed in.`
    );
  }
  return 'You will need to sign in again each time the app starts: there is no secure storage on this computer to keep you signed in.';
}

/** A shorter form of {@link storageNotice}, shown beside "Keep me signed in". */
export function rememberUnavailableHint(storage: StorageStatus): string | null {
  if (storage.persistent) return null;
  return storage.reason === 'weak-backend'
    ? 'Not available on this computer: it has only a weak key store, so you will be signed out when the app closes.'
    : 'Not available on this computer: it has no secure storage, so you will be signed out when the app closes.';
}

/** Length as the core counts it: characters (code points), exactly as typed. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/** What is wrong with a new password, or null. */
export function passwordProblem(password: string): string | null {
  const length = passwordLength(password);
  if (length === 0) return 'Enter a password.';
  if (length < PASSWORD_MIN_LENGTH) {
    return `Use at least ${PASSWORD_MIN_LENGTH} characters (this one has ${length}).`;
  }
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/**
 * Which form field a failed request is about. `prefixes` maps the field path the runtime puts
 * in front of `INVALID_INPUT` messages ("password: …") to a field; `byCode` maps error codes.
 * Returns null for errors that belong to the whole form.
 */
export function fieldForError<F extends string>(
  code: ErrorCode,
  message: string,
  byCode: Partial<Record<ErrorCode, F>>,
  prefixes: Record<string, F> = {},
  fallbackForInvalidInput?: F,
): F | null {
  if (code === 'INVALID_INPUT') {
    const match = /^([A-Za-z][\w.]*):\s/.exec(message);
    const prefix = match?.[1];
    if (prefix !== undefined && prefix in prefixes) return prefixes[prefix] ?? null;
  }
  return byCode[code] ?? (code === 'INVALID_INPUT' ? (fallbackForInvalidInput ?? null) : null);
}

/** An `INVALID_INPUT` message without its field path ("password: Enter a password" → "Enter a password"). */
export function withoutFieldPath(message: string): string {
  return message.replace(/^[A-Za-z][\w.]*:\s+/, '');
}

/** "30 seconds", "2 minutes", "1 hour 5 minutes": rounded up, never "0 seconds". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

/** The lock-out message: how long to wait and until when. */
export function lockoutMessage(retryAfterMs: number, now: number, locale?: string): string {
  const at = new Intl.DateTimeFormat(locale, { timeStyle: 'medium' }).format(
    new Date(now + retryAfterMs),
  );
  return `Too many failed attempts. Try again in ${formatDuration(retryAfterMs)} (at ${at}).`;
}

/** A date and time in the user's locale, e.g. "Jan 15, 2026, 9:00 AM". */
export function formatDateTime(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(ms),
  );
}

/** "in 12 hours", "5 minutes ago", "now". */
export function formatRelative(ms: number, now: number, locale?: string): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ];
  for (const [unit, size] of units) {
    if (abs >= size) return rtf.format(Math.round(diff / size), unit);
  }
  return diff >= 0 ? 'in less than a minute' : 'less than a minute ago';
}

/** "Jan 15, 2026, 9:00 AM (in 12 hours)". */
export function formatWhen(ms: number, now: number, locale?: string): string {
  return `${formatDateTime(ms, locale)} (${formatRelative(ms, now, locale)})`;
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}
