import {
  fail,
  GENERIC_ERROR_MESSAGE,
  isInvokeChannel,
  REQUEST_SCHEMAS,
  type IpcResult,
} from '../../contract/contract';
import { describeError } from '../errors/describe-error';
import { diskMessage, diskProblemOf } from '../errors/disk-error';
import type { Logger } from '../ports';
import type { AppChannelRegistry } from './app-channel-registry';
import type { AuthHandlers } from './auth-handlers';
import { describeIssue } from './describe-issue';
import type { createProtectedCall } from './protected-dispatch';
import type { SerialQueue } from './serial-queue';

/** What {@link createDispatcher} works with. */
export interface DispatchDeps {
  handlers: AuthHandlers;
  /** The host app's channels, answered through `protectedCall`. */
  registry: AppChannelRegistry;
  protectedCall: ReturnType<typeof createProtectedCall>;
  queue: SerialQueue;
  logger: Logger;
  dataDir: string;
  isClosed: () => boolean;
}

type AnyHandler = (request: unknown) => Promise<IpcResult<unknown>>;

/**
 * The one way into the runtime from IPC. An auth channel's payload must match its schema
 * (strict: unknown keys are refused) before anything runs; an app channel checks the current
 * session first, then its schema (see `protected-dispatch.ts`); any other name is refused. Every
 * handler runs as one task of the serial queue. It never rejects: an unexpected error is logged
 * (never the payload) and answered `INTERNAL`, with the disk's trouble in plain words when that
 * was the cause.
 */
export function createDispatcher(deps: DispatchDeps) {
  const run = async (
    channel: string,
    task: () => Promise<IpcResult<unknown>>,
  ): Promise<IpcResult<unknown>> => {
    try {
      return await deps.queue.run(task);
    } catch (error) {
      const problem = diskProblemOf(error, deps.dataDir);
      const disk = problem ? { disk: problem } : {};
      deps.logger.error('request failed', { channel, error: describeError(error), ...disk });
      // Nothing was changed (sessions end only after their row is written): say why, so the user
      // can free space and retry.
      return fail('INTERNAL', problem ? diskMessage(problem) : GENERIC_ERROR_MESSAGE);
    }
  };

  return async (channel: string, payload: unknown): Promise<IpcResult<unknown>> => {
    if (deps.isClosed()) return fail('INTERNAL', 'The app is shutting down.');
    if (isInvokeChannel(channel)) {
      const parsed = REQUEST_SCHEMAS[channel].safeParse(payload);
      if (!parsed.success) return fail('INVALID_INPUT', describeIssue(parsed.error.issues[0]));
      const handler = deps.handlers[channel] as AnyHandler;
      return run(channel, () => handler(parsed.data));
    }
    const definition = typeof channel === 'string' ? deps.registry.definition(channel) : undefined;
    if (definition) return run(channel, () => deps.protectedCall(channel, definition, payload));
    return fail('INVALID_INPUT', 'Unknown request.');
  };
}
