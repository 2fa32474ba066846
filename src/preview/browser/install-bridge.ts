/**
 * Defines the preview page's `window.auth` and `window.app`: the very APIs the Electron preload
 * exposes (`src/bridge/`), over the HTTP transport instead of `ipcRenderer`. Both are frozen and
 * cannot be redefined, like the preload's.
 */
import { createAppApi } from '../../bridge/app-api';
import { createAuthApi } from '../../bridge/auth-api';
import type { AppApi, AuthApi } from '../../contract/contract';
import type { ProfileChannels } from '../../contract/profile-channels';
import { PROFILE_CHANNEL_NAMES } from '../../contract/profile-rules';
import { TOKEN_HEADER } from '../token-header';
import { createHttpTransport, type TransportWindow } from './http-transport';

/** A window the bridge is installed on. */
export type BridgeWindow = TransportWindow & { auth?: AuthApi; app?: AppApi<ProfileChannels> };

/** Installs `win.auth` and `win.app` (the app's channels: the profile). */
export function installPreviewBridge(win: BridgeWindow): void {
  const transport = createHttpTransport(win, TOKEN_HEADER);
  const apis = {
    auth: createAuthApi(transport),
    app: createAppApi<ProfileChannels>(transport, PROFILE_CHANNEL_NAMES),
  };
  for (const [key, value] of Object.entries(apis)) {
    Object.defineProperty(win, key, {
      value,
      enumerable: true,
      writable: false,
      configurable: false,
    });
  }
}
