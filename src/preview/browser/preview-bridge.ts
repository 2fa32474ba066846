/**
 * The preview page's bridge, bundled on its own (`dist/preview/preview-bridge.js`, a classic
 * script the host puts before the renderer's): `window.auth` and `window.app` over HTTP. Never
 * part of the packaged app.
 */
import { installPreviewBridge } from './install-bridge';

installPreviewBridge(window);
