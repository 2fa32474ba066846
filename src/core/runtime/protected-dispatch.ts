import {
  fail,
  GENERIC_ERROR_MESSAGE,
  ok,
  type AppChannelDefinition,
  type IpcResult,
} from '../../contract/contract';
import type { Logger } from '../ports';
import type { AppChannelRegistry } from './app-channel-registry';
import { ChannelError } from './channel-errors';
import { toView, type Current, type CurrentSession } from './current-session';
import { describeIssue } from './describe-issue';
import type { ProtectedContext } from './protected-types';

/** What {@link createProtectedCall} works with. */
export interface ProtectedCallDeps {
  registry: AppChannelRegistry;
  current: CurrentSession;
  logger: Logger;
}

/**
 * One call of an app channel, run by the dispatcher as one task of the serial queue, in this
 * order: the current session, validated as activity (`NOT_AUTHENTICATED` without one; a session
 * found ended is ended here, which publishes `auth:state-changed`); the request schema
 * (`INVALID_INPUT`, and nothing runs); the handler. A `ChannelError` from the handler is its
 * answer; the value goes out through the response schema when there is one. Anything else thrown
 * reaches the dispatcher, which logs it without the payload and answers `INTERNAL`.
 */
export function createProtectedCall(deps: ProtectedCallDeps) {
  const { registry, current, logger } = deps;
  return async (
    channel: string,
    definition: AppChannelDefinition,
    payload: unknown,
  ): Promise<IpcResult<unknown>> => {
    const signedIn = current.require();
    if (!signedIn.ok) return signedIn;
    const parsed = definition.request.safeParse(payload);
    if (!parsed.success) return fail('INVALID_INPUT', describeIssue(parsed.error.issues[0]));
    const handler = registry.handler(channel);
    if (!handler) {
      logger.error('app channel has no handler: call runtime.protect for it', { channel });
      return fail('INTERNAL', GENERIC_ERROR_MESSAGE);
    }
    let value: unknown;
    try {
      value = await handler(protectedContextOf(signedIn.value), parsed.data);
    } catch (error) {
      if (error instanceof ChannelError) return fail(error.code, error.message);
      throw error;
    }
    if (!definition.response) return ok(value);
    const answer = definition.response.safeParse(value);
    if (answer.success) return ok(answer.data);
    // The value itself may hold anything: only where it failed is logged.
    const where = answer.error.issues[0]?.path.map(String).join('.') ?? '';
    logger.error('app channel answered outside its response schema', { channel, where });
    return fail('INTERNAL', GENERIC_ERROR_MESSAGE);
  };
}

/** The context a handler (or `authorize()`) gets for the current session `c`: no token. */
export function protectedContextOf(c: Current): ProtectedContext {
  return Object.freeze({
    user: Object.freeze({ id: c.userId, username: c.username }),
    session: Object.freeze(toView(c.session, c.session.id)),
  });
}
