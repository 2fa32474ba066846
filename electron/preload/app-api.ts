/** `window.app` in the preload: the API of `src/bridge/app-api.ts` over Electron's `ipcRenderer`. */
import { createAppApi, type AppChannelList } from '../../src/bridge/app-api';
import type { AppChannelDefinitions } from '../../src/contract/app-channels';
import type { ContextBridgeLike, IpcRendererLike } from './auth-api';

export { createAppApi, type AppChannelList } from '../../src/bridge/app-api';

/** The global the renderer reads. */
export const APP_API_KEY = 'app';

/**
 * Exposes the host app's channels as `window.app.<method>` (`notes:list` → `notesList`), typed
 * `AppApi<D>`. `channels` is the definition set, or only its names with `D` given explicitly
 * (`exposeAppChannels<AppChannels>(contextBridge, ipcRenderer, ['notes:list'])`), so that the
 * preload imports the definitions as a type and its bundle stays free of zod.
 */
export function exposeAppChannels<D extends AppChannelDefinitions>(
  contextBridge: ContextBridgeLike,
  ipcRenderer: IpcRendererLike,
  channels: AppChannelList<D>,
): void {
  contextBridge.exposeInMainWorld(APP_API_KEY, createAppApi<D>(ipcRenderer, channels));
}
