/**
 * `window.auth`: one function per contract channel plus `onStateChanged`, over a
 * {@link BridgeTransport}. Imports channel names only from `channels.ts`: the sandboxed preload
 * and the preview page must not bundle zod.
 */
import { API_METHODS, STATE_CHANGED_CHANNEL } from '../contract/channels';
import type { AuthApi, AuthState } from '../contract/contract';
import type { BridgeTransport } from './transport';

/**
 * Builds the API over `transport`. Each function sends its one channel (the request, or `{}`)
 * and returns main's envelope; `onStateChanged` hands the listener the state only, never the IPC
 * event (which would expose the sender), and returns an unsubscribe function.
 */
export function createAuthApi(transport: BridgeTransport): AuthApi {
  const api: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(API_METHODS)) {
    api[method] = (request?: unknown) => transport.invoke(channel, request ?? {});
  }
  api.onStateChanged = (listener: (state: AuthState) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onStateChanged needs a function');
    const forward = (_event: unknown, state: unknown): void => listener(state as AuthState);
    transport.on(STATE_CHANGED_CHANNEL, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      transport.removeListener(STATE_CHANGED_CHANNEL, forward);
    };
  };
  return Object.freeze(api) as AuthApi;
}
