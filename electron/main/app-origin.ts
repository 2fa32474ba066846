/**
 * Where the renderer is served from: `app://renderer`. Apart from `app-protocol.ts` (which
 * imports Electron's types) so that `setupIpc` and the package's `./main` entry need nothing of
 * Electron's.
 */

/** The custom scheme. */
export const APP_SCHEME = 'app';
/** The one host the scheme serves. */
export const APP_HOST = 'renderer';
/** The renderer's origin: the only one IPC accepts by default. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;
