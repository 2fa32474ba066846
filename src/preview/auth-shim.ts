/**
 * The browser half of the preview host: defines `window.auth` with the same shape as the
 * Electron preload (one function per contract method plus `onStateChanged`), carried over HTTP:
 *
 * - every call is `POST /api/invoke` with `{ channel, payload }` and the per-run token in the
 *   `X-Preview-Token` header; the answer is the runtime's envelope, unchanged;
 * - `auth:state-changed` arrives as server-sent events read from a streamed `fetch` of
 *   `GET /api/events` (a streamed fetch, not `EventSource`, so the token travels in a header).
 *
 * The host serves this as `/preview-auth.js`, a classic script placed before `main.js`. It is
 * written as one self-contained function (no imports, no outer variables) so that the host can
 * serialise it with `Function.prototype.toString()`: the build bundles only the renderer and the
 * host, and this file never reaches the packaged app.
 */
import type { AuthApi, AuthState, IpcResult } from '../shared/contract';

/** The request header that carries the per-run token. */
export const TOKEN_HEADER = 'x-preview-token';

/** What the shim needs from `window` (a real window in the browser, a stand-in in tests). */
export interface ShimWindow {
  location: { search: string };
  fetch: typeof fetch;
  setTimeout: (callback: () => void, ms: number) => unknown;
  auth?: AuthApi;
}

/**
 * Defines `win.auth`. `methods` is the contract's `API_METHODS` (method name to channel);
 * `tokenHeader` is {@link TOKEN_HEADER}. Must stay self-contained: see the module comment.
 */
export function installPreviewAuth(
  win: ShimWindow,
  methods: Record<string, string>,
  tokenHeader: string,
): void {
  const token = new URLSearchParams(win.location.search).get('token') ?? '';
  const listeners = new Set<(state: AuthState) => void>();
  let streaming = false;

  const failure = (message: string): IpcResult<never> => ({
    ok: false,
    error: { code: 'INTERNAL', message },
  });

  const call = async (channel: string, payload: unknown): Promise<IpcResult<unknown>> => {
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
      return (await response.json()) as IpcResult<unknown>;
    } catch {
      return failure('The preview host sent an unreadable answer.');
    }
  };

  const deliver = (data: string): void => {
    let state: AuthState;
    try {
      state = JSON.parse(data) as AuthState;
    } catch {
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(state);
      } catch (error) {
        console.error('auth.onStateChanged listener failed', error);
      }
    }
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
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = block
                .split('\n')
                .filter((line) => line.startsWith('data:'))
                .map((line) => line.slice(5).replace(/^ /, ''))
                .join('\n');
              if (data) deliver(data);
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

  const api: Record<string, unknown> = {};
  for (const [name, channel] of Object.entries(methods)) {
    api[name] = (request?: unknown) => call(channel, request === undefined ? {} : request);
  }
  api.onStateChanged = (listener: (state: AuthState) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onStateChanged expects a function');
    listeners.add(listener);
    if (!streaming) {
      streaming = true;
      void stream();
    }
    return () => {
      listeners.delete(listener);
    };
  };
  Object.defineProperty(win, 'auth', {
    value: Object.freeze(api),
    enumerable: true,
    writable: false,
    configurable: false,
  });
}

/** The script the host serves as `/preview-auth.js`. */
export function previewAuthScript(methods: Record<string, string>): string {
  // Transpilers may wrap named functions in a `__name(fn, "name")` helper; give it a stand-in.
  return [
    '"use strict";',
    '(function () {',
    '  var __name = function (target) { return target; };',
    `  (${installPreviewAuth.toString()})(window, ${JSON.stringify(methods)}, ${JSON.stringify(TOKEN_HEADER)});`,
    '})();',
    '',
  ].join('\n');
}
