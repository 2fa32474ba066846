import {
  assertAppChannelDefinitions,
  isInvokeChannel,
  RESERVED_CHANNEL_AREA,
  type AppChannelDefinition,
  type AppChannelDefinitions,
} from '../../contract/contract';
import type { AnyProtectedHandler } from './protected-types';

/**
 * The host app's channels and their handlers. Every mistake in wiring them is a startup error
 * with a message that says what to change: a definition set with a bad name (see
 * `assertAppChannelDefinitions`), a handler for a channel that is not defined, for one of the
 * session module's own channels, or a second handler for the same channel.
 */
export class AppChannelRegistry {
  private readonly handlers = new Map<string, AnyProtectedHandler>();
  readonly definitions: AppChannelDefinitions;

  constructor(definitions: AppChannelDefinitions = {}) {
    assertAppChannelDefinitions(definitions);
    this.definitions = Object.freeze({ ...definitions });
  }

  /** The definition of app channel `channel`, or undefined for any other name. */
  definition(channel: string): AppChannelDefinition | undefined {
    return Object.hasOwn(this.definitions, channel) ? this.definitions[channel] : undefined;
  }

  /** The handler of `channel`, or undefined while none is registered. */
  handler(channel: string): AnyProtectedHandler | undefined {
    return this.handlers.get(channel);
  }

  /** Registers the handler of `channel`; throws for an unknown, reserved or taken channel. */
  protect(channel: string, handler: AnyProtectedHandler): void {
    if (isInvokeChannel(channel) || String(channel).startsWith(`${RESERVED_CHANNEL_AREA}:`))
      throw new TypeError(
        `"${String(channel)}" is reserved for the session module's own channels; protect only channels of your appChannels.`,
      );
    if (!this.definition(channel)) {
      const known = Object.keys(this.definitions);
      throw new TypeError(
        `No app channel "${String(channel)}": define it in the appChannels passed to createSessionRuntime ` +
          `(${known.length > 0 ? `defined: ${known.join(', ')}` : 'none are defined'}).`,
      );
    }
    if (typeof handler !== 'function')
      throw new TypeError(`The handler of "${channel}" must be a function.`);
    if (this.handlers.has(channel))
      throw new TypeError(`App channel "${channel}" already has a handler: protect it once.`);
    this.handlers.set(channel, handler);
  }
}
