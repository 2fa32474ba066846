/**
 * `window.auth`: one function per contract channel plus `onStateChanged`. Kept apart from
 * `index.ts` (which imports 'electron') so tests can build it with a fake `ipcRenderer`.
 * Imports channel names only from `channels.ts`: the sandboxed preload must not bundle zod.
 */
import { API_METHODS, STATE_CHANGED_CHANNEL } from '../../src/shared/channels';
import type { AuthApi, AuthState } from '../../src/shared/contract';

/** The parts of Electron's `ipcRenderer` used here. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The parts of Electron's `contextBridge` used here. */
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

/** The global the renderer reads. */
export const AUTH_API_KEY = 'auth';

/**
 * Builds the API over `ipc`. Each function sends its one channel (the request, or `{}`) and
 * returns main's envelope; `onStateChanged` hands the listener the state only, never the IPC
 * event (which would expose the sender), and returns an unsubscribe function.
 */
export function createAuthApi(ipc: IpcRendererLike): AuthApi {
  const api: Record<string, unknown> = {};
  for (const [method, channel] of Object.entries(API_METHODS)) {
    api[method] = (request?: unknown) => ipc.invoke(channel, request ?? {});
  }
  api.onStateChanged = (listener: (state: AuthState) => void): (() => void) => {
    if (typeof listener !== 'function') throw new TypeError('onStateChanged needs a function');
    const forward = (_event: unknown, state: unknown): void => listener(state as AuthState);
    ipc.on(STATE_CHANGED_CHANNEL, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(STATE_CHANGED_CHANNEL, forward);
    };
  };
  return Object.freeze(api) as AuthApi;
}

/** Exposes {@link createAuthApi} as `window.auth`, and nothing else. */
export function exposeAuthApi(contextBridge: ContextBridgeLike, ipc: IpcRendererLike): void {
  contextBridge.exposeInMainWorld(AUTH_API_KEY, createAuthApi(ipc));
}
