/**
 * The errors of protected channels: what a handler throws to refuse a request in the user's
 * terms, and what `runtime.authorize()` rejects with when nobody is signed in.
 */
import type { ErrorCode } from '../../contract/envelope';

/** The codes a handler may answer with through {@link ChannelError}. */
export const CHANNEL_ERROR_CODES = ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'INVALID_INPUT'] as const;

/** One of {@link CHANNEL_ERROR_CODES}. */
export type ChannelErrorCode = (typeof CHANNEL_ERROR_CODES)[number] & ErrorCode;

/** Longest message a {@link ChannelError} carries to the renderer. */
const CHANNEL_ERROR_MAX_MESSAGE = 300;

/**
 * Thrown by a protected channel's handler to answer `{ ok: false, error: { code, message } }`:
 * an expected refusal, shown to the user as it is (so the message must be written for them and
 * hold nothing secret). Any other error a handler throws is unexpected: logged in main, answered
 * `INTERNAL` with a generic message.
 *
 * @example
 * runtime.protect('notes:get', async (ctx, { id }) => {
 *   const note = notes.find(ctx.user.id, id);
 *   if (!note) throw new ChannelError('NOT_FOUND', 'That note was deleted.');
 *   return note;
 * });
 */
export class ChannelError extends Error {
  /**
   * @param code `NOT_FOUND`, `FORBIDDEN`, `CONFLICT` or `INVALID_INPUT`.
   * @param message For the user: 1 to {@link CHANNEL_ERROR_MAX_MESSAGE} characters.
   */
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
  ) {
    if (!(CHANNEL_ERROR_CODES as readonly string[]).includes(code))
      throw new TypeError(
        `ChannelError code must be one of ${CHANNEL_ERROR_CODES.join(', ')}; got ${String(code)}`,
      );
    if (typeof message !== 'string' || message.length === 0)
      throw new TypeError('ChannelError needs a message for the user');
    if (message.length > CHANNEL_ERROR_MAX_MESSAGE)
      throw new RangeError(`ChannelError message is over ${CHANNEL_ERROR_MAX_MESSAGE} characters`);
    super(message);
    this.name = 'ChannelError';
  }
}

/** What `NOT_AUTHENTICATED` says. */
const NOT_SIGNED_IN_MESSAGE = 'You are not signed in.';

/** `runtime.authorize()` found nobody signed in (or the session just ended, or the app is closing). */
export class NotAuthenticatedError extends Error {
  readonly code = 'NOT_AUTHENTICATED';
  constructor(message = NOT_SIGNED_IN_MESSAGE) {
    super(message);
    this.name = 'NotAuthenticatedError';
  }
}
