/**
 * Renderer entry. Talks only to `window.auth` and `window.app` (the Electron preload, or the
 * preview host's bridge, which builds the same APIs), typed by the IPC contract; never sees a
 * token. Both come from the same preload: without either, the page is not inside the app.
 */
import type { AppApi, AuthApi } from '../contract/contract';
import type { ProfileChannels } from '../contract/profile-channels';
import { App } from './app';
import { renderMissingBridge } from './screens/no-bridge';

const root = document.getElementById('app');
if (root) {
  const bridge = window as Window & { auth?: AuthApi; app?: AppApi<ProfileChannels> };
  if (bridge.auth && bridge.app) void new App(root, bridge.auth, bridge.app).start();
  else renderMissingBridge(root);
}
