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
  loadURL(url: string): Promise<void>;
  once(event: 'ready-to-show', listener: () => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  show(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
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
export function windowWebPreferences(preload: string, isPackaged: boolean): WebPreferences {
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

/** Creates the window, locks down its navigation and loads the renderer from `app://`. */
export function createMainWindow(options: MainWindowOptions): BrowserWindowLike {
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
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    logger.error('window: the renderer did not load', {
      error: error instanceof Error ? error.message : 'unknown',
    });
  });
  return window;
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
