/**
 * The envelope every channel answers with, and its error codes. No dependencies: the preload and
 * the renderer bundle it without zod.
 */

/** Error codes a channel can answer with. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'INVALID_CREDENTIALS',
  'RATE_LIMITED',
  'USERNAME_TAKEN',
  'WEAK_PASSWORD',
  'NOT_AUTHENTICATED',
  'REAUTH_REQUIRED',
  'NOT_FOUND',
  'FORBIDDEN',
  'CONFLICT',
  'FORBIDDEN_SENDER',
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error half of the envelope. */
export interface IpcError {
  code: ErrorCode;
  message: string;
  /** With `RATE_LIMITED`: how long until the name may try again. */
  retryAfterMs?: number;
  /**
   * With `INVALID_CREDENTIALS` from a password check: how many more failures the name has before
   * it is locked out. Counted per typed name whether or not an account has it, so it tells
   * nothing about who has one.
   */
  attemptsLeft?: number;
  /**
   * With `INVALID_CREDENTIALS` and one attempt left: how long the next failure would pause the
   * name (the host's configured first lock-out).
   */
  lockoutMs?: number;
}

/** Every channel answers with this envelope; handlers never throw across IPC. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** What `INTERNAL` says: the cause is logged in main, never sent to the renderer. */
export const GENERIC_ERROR_MESSAGE = 'Something went wrong. Please try again.';

/** Builds a success envelope. */
export function ok<T>(value: T): IpcResult<T> {
  return { ok: true, value };
}

/** Builds a failure envelope. */
export function fail<T = never>(
  code: ErrorCode,
  message: string,
  extra: Pick<IpcError, 'retryAfterMs' | 'attemptsLeft' | 'lockoutMs'> = {},
): IpcResult<T> {
  return { ok: false, error: { code, message, ...extra } };
}
