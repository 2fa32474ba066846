/**
 * The app's one window: isolated, sandboxed, no Node, the renderer from `app://`, no navigation,
 * no pop-ups, no DevTools in packaged builds.
 */
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import type { Logger } from '../../src/core/ports';
import { APP_ENTRY_URL } from './app-protocol';
import { originOf, type FrameLike } from './ipc';

/** An event a listener can cancel, as Electron passes to `will-navigate`. */
export interface PreventableEvent {
  preventDefault(): void;
}

/** The parts of a `WebContents` used here. */
export interface WebContentsLike {
  readonly mainFrame: FrameLike;
  send(channel: string, ...args: unknown[]): void;
  on(event: 'will-navigate', listener: (event: PreventableEvent, url: string) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** The parts of a `BrowserWindow` used here. */
export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  /** Rejects when the page fails to load (`did-fail-load`); `ready-to-show` then never comes. */
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  /** `session-end` (Windows only): shutdown, restart or log-off; the process ends right after. */
  on(event: 'closed' | 'session-end', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  /** Closes at once: no `close` event, no `beforeunload`, but `closed` is emitted. */
  destroy(): void;
}

/** `BrowserWindow` itself, or a fake. */
export type BrowserWindowConstructorLike = new (
  options: BrowserWindowConstructorOptions,
) => BrowserWindowLike;

/** The parts of `session.defaultSession` used here. */
export interface SessionLike {
  setPermissionRequestHandler(
    handler:
      | ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void)
      | null,
  ): void;
  setPermissionCheckHandler(handler: (() => boolean) | null): void;
}

/** The renderer's web preferences: exactly these. */
function windowWebPreferences(preload: string, isPackaged: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    devTools: !isPackaged,
  };
}

/** Options of {@link createMainWindow}. */
export interface MainWindowOptions {
  BrowserWindow: BrowserWindowConstructorLike;
  preload: string;
  isPackaged: boolean;
  logger: Logger;
}

/** What {@link createMainWindow} returns. */
export interface MainWindow {
  window: BrowserWindowLike;
  /**
   * Resolves once the renderer has loaded (the window is shown by then); rejects when it could
   * not be loaded, leaving the window hidden: the caller must not leave it so.
   */
  loaded: Promise<void>;
}

/**
 * Creates the window hidden, locks down its navigation and loads the renderer from `app://`. It
 * is shown on `ready-to-show` (no white flash), or once the page has loaded if that event never
 * came (it does not with `paintWhenInitiallyHidden: false`).
 */
export function createMainWindow(options: MainWindowOptions): MainWindow {
  const { BrowserWindow, logger } = options;
  const window = new BrowserWindow({
    width: 1000,
    height: 760,
    minWidth: 480,
    minHeight: 560,
    title: 'Justice Companion',
    // Shown once painted, so there is no white flash.
    show: false,
    webPreferences: windowWebPreferences(options.preload, options.isPackaged),
  });
  const contents = window.webContents;
  // The renderer is one page: any navigation is either a bug or an attack.
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    logger.warn('window: blocked a navigation', { origin: originOf(url) });
  });
  contents.setWindowOpenHandler(({ url }) => {
    logger.warn('window: blocked a new window', { origin: originOf(url) });
    return { action: 'deny' };
  });
  let shown = false;
  const show = (): void => {
    if (shown || window.isDestroyed()) return;
    shown = true;
    window.show();
  };
  window.once('ready-to-show', show);
  const loaded = window.loadURL(APP_ENTRY_URL).then(show, (error: unknown) => {
    const detail = error instanceof Error ? error.message : 'unknown error';
    logger.error('window: the renderer did not load', { error: detail });
    throw new Error(`The app's window could not be loaded (${detail}).`, { cause: error });
  });
  return { window, loaded };
}

/** Brings the window to the front (a second launch of the app lands here). */
export function focusWindow(window: BrowserWindowLike): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

/** The renderer needs no camera, microphone, notifications or anything else a page can ask for. */
export function denyPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
