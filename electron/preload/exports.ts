/**
 * `@justice-companion/sessions/preload`: what a host's preload exposes, over Electron's
 * `contextBridge` and `ipcRenderer` passed in (so a sandboxed preload bundle needs nothing else
 * of this package, and never zod). Import the channel definitions with `import type`.
 */
export { APP_API_KEY, createAppApi, exposeAppChannels, type AppChannelList } from './app-api';
export {
  AUTH_API_KEY,
  createAuthApi,
  exposeAuthApi,
  type ContextBridgeLike,
  type IpcRendererLike,
} from './auth-api';
export type { AppApi, AuthApi } from '../../src/contract/contract';
