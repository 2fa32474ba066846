/**
 * `window.auth` in the preload: the API of `src/bridge/auth-api.ts` over Electron's
 * `ipcRenderer`. Kept apart from `index.ts` (which imports 'electron') so tests build it with a
 * fake `ipcRenderer`.
 */
import { createAuthApi } from '../../src/bridge/auth-api';
import type { BridgeTransport } from '../../src/bridge/transport';

export { createAuthApi } from '../../src/bridge/auth-api';

/** The parts of Electron's `ipcRenderer` used here. */
export type IpcRendererLike = BridgeTransport;

/** The parts of Electron's `contextBridge` used here. */
export interface ContextBridgeLike {
  exposeInMainWorld(apiKey: string, api: unknown): void;
}

/** The global the renderer reads. */
export const AUTH_API_KEY = 'auth';

/** Exposes `createAuthApi(ipcRenderer)` as `window.auth`, and nothing else (never `ipcRenderer`). */
export function exposeAuthApi(
  contextBridge: ContextBridgeLike,
  ipcRenderer: IpcRendererLike,
): void {
  contextBridge.exposeInMainWorld(AUTH_API_KEY, createAuthApi(ipcRenderer));
}
