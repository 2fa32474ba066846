/**
 * The preview page's stand-in for `ipcRenderer`: the same {@link BridgeTransport} the preload
 * gets, carried over HTTP to the preview host, so that `window.auth` and `window.app` are the
 * preload's own APIs (`src/bridge/`), not copies:
 *
 * - `invoke` is `POST /api/invoke` with `{ channel, payload }` and the per-run token in the
 *   `X-Preview-Token` header; the answer is the runtime's envelope, unchanged. It never rejects:
 *   a host that is gone or refuses the page is an `INTERNAL` envelope that says so;
 * - pushes (`auth:state-changed`) arrive as server-sent events read from a streamed `fetch` of
 *   `GET /api/events` (a streamed fetch, not `EventSource`, so the token travels in a header),
 *   opened with the first listener and reopened after a drop.
 */
import type { BridgeTransport } from '../../bridge/transport';
import type { IpcResult } from '../../contract/envelope';

/** What the transport needs from `window` (the page's, or a stand-in in tests). */
export interface TransportWindow {
  location: { search: string };
  fetch: typeof fetch;
  setTimeout: (callback: () => void, ms: number) => unknown;
}

type Listener = (event: unknown, ...args: unknown[]) => void;

const failure = (message: string): IpcResult<never> => ({
  ok: false,
  error: { code: 'INTERNAL', message },
});

/** The transport for `win`, whose URL holds the token; `tokenHeader` names its header. */
export function createHttpTransport(win: TransportWindow, tokenHeader: string): BridgeTransport {
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  const listeners = new Map<string, Set<Listener>>();
  let streaming = false;

  const invoke = async (channel: string, payload?: unknown): Promise<unknown> => {
    let response: Response;
    try {
      response = await win.fetch('/api/invoke', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [tokenHeader]: token },
        body: JSON.stringify({ channel, payload }),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      return failure('The preview host is not reachable. Is it still running?');
    }
    if (!response.ok) {
      return failure(
        response.status === 401 || response.status === 403
          ? 'The preview host refused this page. Open the URL it printed (with its token) again.'
          : `The preview host answered HTTP ${response.status}.`,
      );
    }
    try {
      return (await response.json()) as unknown;
    } catch {
      return failure('The preview host sent an unreadable answer.');
    }
  };

  const deliver = (channel: string, data: string): void => {
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    for (const listener of [...(listeners.get(channel) ?? [])]) {
      try {
        listener(null, message);
      } catch (error) {
        console.error(`${channel} listener failed`, error);
      }
    }
  };

  /** One server-sent event block: its `event:` name and its `data:` lines. */
  const dispatchBlock = (block: string): void => {
    const lines = block.split('\n');
    const channel =
      lines
        .find((line) => line.startsWith('event:'))
        ?.slice(6)
        .trim() ?? 'message';
    const data = lines
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (data) deliver(channel, data);
  };

  /** Reads the event stream; reconnects after a drop, gives up when the token is refused. */
  const stream = async (): Promise<void> => {
    let delay = 250;
    for (;;) {
      try {
        const response = await win.fetch('/api/events', {
          headers: { accept: 'text/event-stream', [tokenHeader]: token },
          cache: 'no-store',
          credentials: 'omit',
        });
        if (response.status === 401 || response.status === 403) return;
        if (response.ok && response.body) {
          delay = 250;
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          let buffer = '';
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
            let end = buffer.indexOf('\n\n');
            while (end >= 0) {
              dispatchBlock(buffer.slice(0, end));
              buffer = buffer.slice(end + 2);
              end = buffer.indexOf('\n\n');
            }
          }
        }
      } catch {
        // The host went away or the connection dropped: try again below.
      }
      await new Promise<void>((resolve) => win.setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
  };

  return {
    invoke,
    on(channel, listener) {
      const set = listeners.get(channel) ?? new Set<Listener>();
      set.add(listener);
      listeners.set(channel, set);
      if (!streaming) {
        streaming = true;
        void stream();
      }
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
}
