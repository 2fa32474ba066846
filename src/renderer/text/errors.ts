/**
 * Which field an error belongs to, and the words for the checks the renderer makes before it
 * submits: the rules come from `contract/account-rules.ts`, so the words are the server's. Pure,
 * so it is unit-tested.
 */
import { passwordProblem, usernameProblem } from '../../contract/account-rules';
import type { ErrorCode } from '../../contract/contract';

/** The one message for a failed sign-in, whatever went wrong (it never says which). */
export const BAD_CREDENTIALS_TEXT = 'Incorrect username or password.';

/** What is wrong with a username typed to create an account, or null. */
export function newUsernameError(name: string): string | null {
  if (name === '') return 'Enter a username.';
  return usernameProblem(name);
}

/** What is wrong with a new password, or null. */
export function newPasswordError(password: string): string | null {
  if (password === '') return 'Enter a password.';
  return passwordProblem(password);
}

/** What is wrong with the confirmation of a new password, or null. */
export function confirmationError(password: string, confirmation: string): string | null {
  if (confirmation === '') return 'Enter the password again to confirm it.';
  return confirmation === password ? null : 'The passwords do not match.';
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
