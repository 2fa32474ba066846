/**
 * `setupSessions`: everything a host app's main process needs for sign-in sessions, composed
 * once: the Linux password-store pin, the safeStorage SecretStore, the runtime, IPC (auth and
 * app channels behind the sender check) and the OS power events. It takes Electron's objects as
 * arguments and imports nothing of Electron's, so a host tests it with fakes.
 */
import type { SessionConfigInput } from '../../src/core/config';
import type { Logger } from '../../src/core/ports';
import {
  createSessionRuntime,
  type SessionRuntime,
  type SessionRuntimeOptions,
} from '../../src/core/runtime';
import type { AppChannelDefinitions, NoAppChannels } from '../../src/contract/app-channels';
import type { AppPathsSource } from './adapters/app-paths';
import { pinPasswordStore, type CommandLineLike } from './adapters/password-store';
import { setupPowerMonitor, type PowerMonitorLike } from './adapters/power-monitor';
import {
  createSafeStorageSecretStore,
  type SafeStorageLike,
} from './adapters/safe-storage-secret-store';
import { setupIpc, type IpcMainLike, type IpcWindowLike } from './ipc';

/** The parts of Electron's `app` used here. */
export interface SessionsAppLike extends Pick<AppPathsSource, 'getPath'> {
  readonly commandLine: CommandLineLike;
  whenReady(): Promise<unknown>;
}

/** The Electron modules `setupSessions` uses (`import { app, ipcMain, … } from 'electron'`). */
export interface SessionsElectron {
  app: SessionsAppLike;
  ipcMain: IpcMainLike;
  safeStorage: SafeStorageLike;
  powerMonitor: PowerMonitorLike;
}

/** Options of {@link setupSessions}. */
export interface SetupSessionsOptions<D extends AppChannelDefinitions = NoAppChannels> {
  electron: SessionsElectron;
  /** `process.platform`: the keyring's naming, the password-store pin and the power events. */
  platform: NodeJS.Platform;
  /** The app's window, or null while there is none: only its main frame is answered. */
  getWindow: () => IpcWindowLike | null;
  logger: Logger;
  /** The host app's channels (`defineAppChannels`); give each a handler with `runtime.protect`. */
  appChannels?: D;
  /** Where the database and session files live; `app.getPath('userData')` by default. */
  dataDir?: string;
  /** The SQL migrations; the ones shipped in this package by default. */
  migrationsDir?: string;
  config?: SessionConfigInput;
  /** How sessions created here describe this device; host name and platform by default. */
  device?: string;
  /** The renderer's origin; `app://renderer` by default. */
  origin?: string;
  /** Creates the runtime; `createSessionRuntime` by default (tests may wrap it). */
  createRuntime?: (options: SessionRuntimeOptions<D>) => Promise<SessionRuntime<D>>;
}

/** What {@link setupSessions} resolves with. */
export interface Sessions<D extends AppChannelDefinitions = NoAppChannels> {
  readonly runtime: SessionRuntime<D>;
  /**
   * Removes the IPC handlers and power listeners, then closes the runtime (a session that was
   * never kept across restarts ends, the database closes). Once; later calls share the first.
   * Call it on quit, holding the quit until it resolves.
   */
  close(): Promise<void>;
}

/**
 * Sets up sessions for a host's main process. Call it before the app is ready (first thing in
 * main): on Linux it pins the password store that wrote the profile's secrets, which only a
 * command-line switch set before `ready` can do. It resolves once the app is ready and the
 * runtime has started; it rejects when the runtime cannot start (the database cannot be opened:
 * show the error and quit). Protect the app channels before opening the window: until a channel
 * has a handler, it answers `INTERNAL`.
 *
 * @example
 * const sessions = await setupSessions({
 *   electron: { app, ipcMain, safeStorage, powerMonitor },
 *   platform: process.platform,
 *   getWindow: () => mainWindow,
 *   logger,
 *   appChannels: channels,
 * });
 * sessions.runtime.protect('notes:list', async (ctx) => notes.list(ctx.user.id));
 */
export async function setupSessions<D extends AppChannelDefinitions = NoAppChannels>(
  options: SetupSessionsOptions<D>,
): Promise<Sessions<D>> {
  const { electron, platform, logger } = options;
  const { app } = electron;
  // Before anything is awaited: a switch appended after `ready` has no effect.
  const dataDir = options.dataDir ?? app.getPath('userData');
  pinPasswordStore({ commandLine: app.commandLine, platform, userData: dataDir, logger });
  await app.whenReady();
  const secretStore = createSafeStorageSecretStore({
    safeStorage: electron.safeStorage,
    whenReady: () => app.whenReady(),
    platform,
  });
  const runtime = await (options.createRuntime ?? createSessionRuntime<D>)({
    dataDir,
    secretStore,
    logger,
    migrationsDir: options.migrationsDir,
    config: options.config,
    device: options.device,
    appChannels: options.appChannels,
  });
  const teardown = [
    setupIpc({
      ipcMain: electron.ipcMain,
      runtime,
      getWindow: options.getWindow,
      logger,
      origin: options.origin,
    }),
    setupPowerMonitor(electron.powerMonitor, runtime, logger, {
      platform,
      endStandardSessionOnLock: runtime.config.endStandardSessionOnLock,
    }),
  ];
  let closing: Promise<void> | null = null;
  return {
    runtime,
    close: () =>
      (closing ??= (async () => {
        for (const dispose of teardown.splice(0)) dispose();
        await runtime.close();
      })()),
  };
}
