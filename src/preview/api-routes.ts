import type http from 'node:http';
import type { Logger } from '../core/ports';
import type { SessionRuntime } from '../core/runtime';
import { isInvokeChannel } from '../contract/channels';
import { readJson, refuse, sendJson } from './http';

/**
 * `POST /api/invoke {channel, payload}`: the runtime's envelope, as IPC would carry it, for the
 * auth channels and the runtime's app channels alike.
 */
export async function invokeRoute(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  runtime: Pick<SessionRuntime, 'invoke' | 'appChannels'>,
): Promise<void> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
    return refuse(res, 415, 'Send JSON');
  const body = await readJson(req);
  if (!body.ok)
    return refuse(res, body.status, body.status === 413 ? 'Request too large' : 'Malformed JSON');
  const { channel, payload } = (body.value ?? {}) as { channel?: unknown; payload?: unknown };
  const known =
    isInvokeChannel(channel) ||
    (typeof channel === 'string' && Object.hasOwn(runtime.appChannels, channel));
  if (!known) return refuse(res, 404, 'Unknown channel');
  sendJson(res, 200, await runtime.invoke(channel, payload));
}

/** The test clock: an offset added to the system clock, moved by `POST /api/test/clock`. */
export class TestClock {
  offsetMs = 0;
  now = (): number => Date.now() + this.offsetMs;
}

/**
 * `POST /api/test/clock {offsetMs}` (tests only, with `--test-controls`): moves the clock, then
 * re-checks the session at once, so the page hears `auth:state-changed` without waiting for the
 * poll.
 */
export async function clockRoute(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  runtime: SessionRuntime,
  clock: TestClock,
  logger: Logger,
): Promise<void> {
  const body = await readJson(req);
  const offset = body.ok ? (body.value as { offsetMs?: unknown } | null)?.offsetMs : undefined;
  if (typeof offset !== 'number' || !Number.isFinite(offset))
    return refuse(res, 400, 'offsetMs must be a number');
  clock.offsetMs = offset;
  logger.warn('test clock offset set', { offsetMs: offset });
  const state = await runtime.refresh();
  sendJson(res, 200, { offsetMs: clock.offsetMs, authenticated: state.authenticated });
}
