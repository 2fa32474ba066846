import {
  fail,
  GENERIC_ERROR_MESSAGE,
  isInvokeChannel,
  REQUEST_SCHEMAS,
  type IpcResult,
} from '../../shared/contract';
import { describeError } from '../errors/describe-error';
import { diskMessage, diskProblemOf } from '../errors/disk-error';
import type { Logger } from '../ports';
import type { AuthHandlers } from './auth-handlers';
import type { SerialQueue } from './serial-queue';

/** What {@link createDispatcher} works with. */
export interface DispatchDeps {
  handlers: AuthHandlers;
  queue: SerialQueue;
  logger: Logger;
  dataDir: string;
  isClosed: () => boolean;
}

type AnyHandler = (request: unknown) => Promise<IpcResult<unknown>>;

/**
 * The one way into the runtime from IPC: the channel must exist and the payload must match its
 * schema (strict: unknown keys are refused) before anything runs; then the handler runs as one
 * task of the serial queue. It never rejects: an unexpected error is logged (never the payload)
 * and answered `INTERNAL`, with the disk's trouble in plain words when that was the cause.
 */
export function createDispatcher(deps: DispatchDeps) {
  return async (channel: string, payload: unknown): Promise<IpcResult<unknown>> => {
    if (deps.isClosed()) return fail('INTERNAL', 'The app is shutting down.');
    if (!isInvokeChannel(channel)) return fail('INVALID_INPUT', 'Unknown request.');
    const parsed = REQUEST_SCHEMAS[channel].safeParse(payload);
    if (!parsed.success) return fail('INVALID_INPUT', describeIssue(parsed.error.issues[0]));
    const handler = deps.handlers[channel] as AnyHandler;
    try {
      return await deps.queue.run(() => handler(parsed.data));
    } catch (error) {
      const problem = diskProblemOf(error, deps.dataDir);
      const disk = problem ? { disk: problem } : {};
      deps.logger.error('request failed', { channel, error: describeError(error), ...disk });
      // Nothing was changed (sessions end only after their row is written): say why, so the user
      // can free space and retry.
      return fail('INTERNAL', problem ? diskMessage(problem) : GENERIC_ERROR_MESSAGE);
    }
  };
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'Invalid request.';
  const where = issue.path.map(String).join('.');
  return `${where ? `${where}: ` : ''}${issue.message}`.slice(0, 200);
}
