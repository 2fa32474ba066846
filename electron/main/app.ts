/**
 * The composition root. It takes the Electron modules it uses as arguments, so that tests run it
 * under Node with fakes; `index.ts` passes the real ones. Each feature has one `setupX`; sessions
 * come from `setupSessions`, exactly as any host app of the package gets them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SessionConfigInput } from '../../src/core/config';
import type { Logger } from '../../src/core/ports';
import { protectProfile } from '../../src/core/profile/protect-profile';
import {
  createSessionRuntime,
  type SessionRuntime,
  type SessionRuntimeOptions,
} from '../../src/core/runtime';
import { PROFILE_CHANNELS, type ProfileChannels } from '../../src/contract/profile-channels';
import { resolveAppPaths, type AppPathsSource } from './adapters/app-paths';
import type { CommandLineLike } from './adapters/password-store';
import type { PowerMonitorLike } from './adapters/power-monitor';
import type { SafeStorageLike } from './adapters/safe-storage-secret-store';
import { registerAppScheme, setupAppProtocol, type ProtocolLike } from './app-protocol';
import type { IpcMainLike } from './ipc';
import { setupSessions, type Sessions } from './setup-sessions';
import {
  createMainWindow,
  denyPermissions,
  focusWindow,
  type BrowserWindowConstructorLike,
  type BrowserWindowLike,
  type PreventableEvent,
  type SessionLike,
} from './window';

/** Where earlier Justice Companion releases kept their accounts, in the same userData folder. */
const EARLIER_DATABASE = 'justice.db';

/** The parts of Electron's `app` used here. */
export interface AppLike extends AppPathsSource {
  readonly commandLine: CommandLineLike;
  requestSingleInstanceLock(): boolean;
  enableSandbox(): void;
  whenReady(): Promise<void>;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'second-instance' | 'window-all-closed', listener: () => void): unknown;
  quit(): void;
}

/** The Electron modules the app uses: the real ones in `index.ts`, fakes in tests. */
export interface ElectronModules {
  app: AppLike;
  BrowserWindow: BrowserWindowConstructorLike;
  ipcMain: IpcMainLike;
  safeStorage: SafeStorageLike;
  powerMonitor: PowerMonitorLike;
  protocol: ProtocolLike;
  session: { readonly defaultSession: SessionLike };
  dialog: { showErrorBox(title: string, content: string): void };
}

/** Options of {@link startApp}. */
export interface StartAppOptions {
  electron: ElectronModules;
  logger: Logger;
  /** `process.platform`. */
  platform: NodeJS.Platform;
  /** `process.resourcesPath` (Electron only); used when packaged. */
  resourcesPath?: string;
  /** Runtime settings (`secretStoreTimeoutMs` bounds every `safeStorage` call); the documented defaults otherwise. */
  config?: SessionConfigInput;
  /** Creates the runtime; `createSessionRuntime` by default (tests may wrap it). */
  createRuntime?: (
    options: SessionRuntimeOptions<ProfileChannels>,
  ) => Promise<SessionRuntime<ProfileChannels>>;
}

/** What {@link startApp} returns. */
export interface AppHandle {
  /**
   * Resolves true once the window has loaded the renderer; false if this instance quit or could
   * not start (then an error was shown and the app quits). Never rejects.
   */
  readonly ready: Promise<boolean>;
  /** The window, while there is one. */
  getWindow(): BrowserWindowLike | null;
}

/**
 * Starts the app: single-instance lock, Linux password-store pin and `app://` scheme before
 * ready; then the runtime, IPC, power events and the window; the runtime closed exactly once on
 * quit, at the end of a Windows session or at a Linux or macOS shutdown. A window whose page
 * fails to load is destroyed, an error is shown and the app quits: never a hidden window holding
 * the single-instance lock.
 */
export function startApp(options: StartAppOptions): AppHandle {
  const { electron, logger, platform } = options;
  const { app } = electron;

  if (!app.requestSingleInstanceLock()) {
    // Another instance owns this profile (and its database); it gets focused instead.
    app.quit();
    return { ready: Promise.resolve(false), getWindow: () => null };
  }

  // Before ready: these are Chromium switches (the password-store pin, in setupSessions) and
  // scheme registrations.
  const paths = resolveAppPaths(app, options.resourcesPath);
  let window: BrowserWindowLike | null = null;
  let sessions: Sessions<ProfileChannels> | null = null;
  let quitting = false;
  const starting = setupSessions({
    electron: {
      app,
      ipcMain: electron.ipcMain,
      safeStorage: electron.safeStorage,
      powerMonitor: electron.powerMonitor,
    },
    platform,
    getWindow: () => window,
    logger,
    appChannels: PROFILE_CHANNELS,
    dataDir: paths.userData,
    migrationsDir: paths.migrationsDir,
    config: options.config,
    // An earlier release's database beside ours: its accounts are imported at startup, once.
    createRuntime: (runtimeOptions) => {
      const earlier = path.join(runtimeOptions.dataDir, EARLIER_DATABASE);
      return (options.createRuntime ?? createSessionRuntime<ProfileChannels>)({
        ...runtimeOptions,
        ...(fs.existsSync(earlier) ? { legacyDatabase: earlier } : {}),
      });
    },
  });
  // Its failure is handled where the startup awaits it; this only keeps it from counting as an
  // unhandled rejection in the meantime.
  starting.catch(() => {});
  app.enableSandbox();
  registerAppScheme(electron.protocol);

  app.on('second-instance', () => {
    if (window) focusWindow(window);
  });
  // One window: closing it ends the app (and a standard session with it) on every platform.
  app.on('window-all-closed', () => app.quit());

  const ready = (async (): Promise<boolean> => {
    await app.whenReady();
    denyPermissions(electron.session.defaultSession);
    setupAppProtocol(electron.protocol, paths.rendererDir, logger);
    sessions = await starting;
    if (quitting) return false;
    // Before the window exists: no request can come in before the handlers are there.
    protectProfile(sessions.runtime);
    const created = createMainWindow({
      BrowserWindow: electron.BrowserWindow,
      preload: paths.preload,
      isPackaged: app.isPackaged,
      logger,
    });
    window = created.window;
    window.on('closed', () => {
      window = null;
    });
    // Windows shutdown or log-off: no `before-quit` comes, and the process ends right after.
    window.on('session-end', () => {
      logger.info('the Windows session is ending: shutting down');
      void close();
    });
    // Linux and macOS shutdown or restart: Electron holds it while the app quits, if asked to.
    electron.powerMonitor.on('shutdown', (event) => {
      (event as { preventDefault?: () => void } | undefined)?.preventDefault?.();
      logger.info('the system is shutting down: quitting');
      app.quit();
    });
    // A window that failed to load stays hidden forever (no `ready-to-show`): never keep it.
    return created.loaded.then(
      () => true,
      (error: unknown) => {
        if (quitting) return false;
        window?.destroy();
        throw error;
      },
    );
  })().catch((error: unknown) => {
    const detail = error instanceof Error ? error.message : 'unknown error';
    logger.error('startup failed', { error: detail });
    electron.dialog.showErrorBox('Justice Companion could not start', detail);
    app.quit();
    return false;
  });

  const close = setupQuit(app, logger, async () => {
    quitting = true;
    await ready;
    await sessions?.close();
  });

  return { ready, getWindow: () => window };
}

/**
 * Runs `shutdown` once (the runtime ends an unpersisted session and closes the database): on the
 * first `before-quit`, holding the quit until it has finished and then quitting for real, or
 * when the returned function is called (a Windows `session-end`, which no `before-quit`
 * precedes).
 */
function setupQuit(
  app: AppLike,
  logger: Logger,
  shutdown: () => Promise<void>,
): () => Promise<void> {
  let closing: Promise<void> | null = null;
  let closed = false;
  let quitWhenClosed = false;
  const close = (): Promise<void> =>
    (closing ??= shutdown()
      .catch((error: unknown) =>
        logger.error('shutdown failed', {
          error: error instanceof Error ? error.message : 'unknown',
        }),
      )
      .finally(() => {
        closed = true;
      }));
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    if (quitWhenClosed) return;
    quitWhenClosed = true;
    void close().then(() => app.quit());
  });
  return close;
}
