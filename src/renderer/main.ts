/**
 * Renderer entry. Talks only to `window.auth` (the Electron preload, or the preview host's
 * stand-in), typed by the IPC contract; never sees a token.
 */
import type { AuthApi } from '../shared/contract';
import { App } from './app';
import { renderMissingBridge } from './screens/no-bridge';

const root = document.getElementById('app');
if (root) {
  const api = (window as Window & { auth?: AuthApi }).auth;
  if (api) void new App(root, api).start();
  else renderMissingBridge(root);
}
