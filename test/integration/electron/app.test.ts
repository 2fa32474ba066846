import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BrowserWindowConstructorOptions } from 'electron';
import { startApp, type AppHandle, type StartAppOptions } from '../../../electron/main/app';
import { createMainWindow } from '../../../electron/main/window';
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY } from '../../../electron/main/app-protocol';
import { writeStoragePin } from '../../../src/core/persistence/storage-pin';
import { createSessionRuntime, type SessionRuntime } from '../../../src/core/runtime';
import { INVOKE_CHANNELS, STATE_CHANGED_CHANNEL } from '../../../src/contract/contract';
import {
  createFakeElectron,
  type FakeAppOptions,
  type FakeElectron,
} from '../../fakes/electron-app';
import type { FakeInvokeEvent } from '../../fakes/electron-ipc';
import type { FakeBrowserWindow, FakeLoadFailure } from '../../fakes/electron-window';
import { MIGRATIONS_DIR } from '../../helpers/db';
import { PASSWORD, RecordingLogger, TEST_ARGON2 } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';
import { DATA_FILES } from '../../../src/core/persistence/data-files';
import { PROFILE_CHANNEL_NAMES } from '../../../src/contract/profile-rules';

const INDEX_HTML =
  '<!doctype html><title>Justice Companion</title><script type="module" src="main.js"></script>';

/** An app folder laid out like the project after `npm run build`. */
function appFolder(withMigrations = true): string {
  const appPath = tempDir('jc-app-');
  if (withMigrations)
    fs.cpSync(MIGRATIONS_DIR, path.join(appPath, 'migrations'), { recursive: true });
  fs.mkdirSync(path.join(appPath, 'dist', 'renderer'), { recursive: true });
  fs.writeFileSync(path.join(appPath, 'dist', 'renderer', 'index.html'), INDEX_HTML);
  fs.writeFileSync(path.join(appPath, 'dist', 'renderer', 'main.js'), 'console.log("renderer")');
  return appPath;
}

interface Started {
  electron: FakeElectron;
  handle: AppHandle;
  logger: RecordingLogger;
  userData: string;
  appPath: string;
  runtimes: SessionRuntime[];
  closeCalls: () => number;
  /** Whether the runtime had finished closing before the OS killed the process. */
  closedBeforeKill: () => boolean;
}

const running: Started[] = [];

afterEach(async () => {
  for (const { electron, handle } of running.splice(0)) {
    electron.app.emitReady();
    await handle.ready;
    if (electron.app.killed) continue;
    if (!electron.app.hasQuit) electron.app.quit();
    await electron.app.whenQuit;
  }
  vi.restoreAllMocks();
  vi.useRealTimers();
});

function start(
  options: Partial<FakeAppOptions> &
    Partial<Pick<StartAppOptions, 'config' | 'resourcesPath'>> & {
      loadFailure?: FakeLoadFailure;
    } = {},
): Started {
  const userData = options.userData ?? tempDir('jc-user-');
  const appPath = options.appPath ?? appFolder();
  const platform = options.platform ?? 'linux';
  const electron = createFakeElectron({
    userData,
    appPath,
    isPackaged: options.isPackaged,
    gotLock: options.gotLock,
    platform,
  });
  electron.BrowserWindow.loadFailure = options.loadFailure ?? null;
  const logger = new RecordingLogger();
  const runtimes: SessionRuntime[] = [];
  let closes = 0;
  let closedBeforeKill = false;
  const handle = startApp({
    electron,
    logger,
    platform,
    resourcesPath: options.resourcesPath,
    config: { argon2: TEST_ARGON2, ...options.config },
    createRuntime: async (runtimeOptions) => {
      const runtime = await createSessionRuntime(runtimeOptions);
      const close = runtime.close.bind(runtime);
      runtime.close = async () => {
        closes += 1;
        await close();
        closedBeforeKill = !electron.app.killed;
      };
      runtimes.push(runtime);
      return runtime;
    },
  });
  const started = {
    electron,
    handle,
    logger,
    userData,
    appPath,
    runtimes,
    closeCalls: () => closes,
    closedBeforeKill: () => closedBeforeKill,
  };
  running.push(started);
  return started;
}

async function startReady(
  options: Parameters<typeof start>[0] = {},
): Promise<Started & { window: FakeBrowserWindow }> {
  const started = start(options);
  started.electron.app.emitReady();
  await expect(started.handle.ready).resolves.toBe(true);
  const window = started.electron.BrowserWindow.instances[0]!;
  return { ...started, window };
}

function fromPage(window: FakeBrowserWindow): FakeInvokeEvent {
  return { sender: window.webContents, senderFrame: window.webContents.mainFrame };
}

async function quit(started: Started): Promise<void> {
  started.electron.app.quit();
  await started.electron.app.whenQuit;
}

describe('startApp: single instance', () => {
  it('quits at once when another instance holds the lock, touching nothing', async () => {
    const { electron, handle, userData } = start({ gotLock: false });
    await expect(handle.ready).resolves.toBe(false);
    await electron.app.whenQuit;
    expect(electron.journal).toEqual(['requestSingleInstanceLock', 'quit']);
    electron.app.emitReady();
    await Promise.resolve();
    expect(electron.BrowserWindow.instances).toEqual([]);
    expect(electron.ipcMain.channels()).toEqual([]);
    expect(fs.readdirSync(userData)).toEqual([]);
  });

  it('brings the window back when the app is launched again', async () => {
    const { electron, window } = await startReady();
    window.minimize();
    electron.app.launchSecondInstance();
    expect(window.isMinimized()).toBe(false);
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(true);
  });
});

describe('startApp: the window', () => {
  it('is created with exactly the secure web preferences and loads the renderer from app://', async () => {
    const { window, appPath } = await startReady();
    expect(window.options.webPreferences).toStrictEqual({
      preload: path.join(appPath, 'dist', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: true,
    });
    expect(window.options.show).toBe(false);
    expect(window.webContents.mainFrame.url).toBe(APP_ENTRY_URL);
    // Shown on ready-to-show, which the page emitted once painted.
    expect(window.visible).toBe(true);
  });

  it('shows the window once loaded even if ready-to-show never comes', async () => {
    const electron = createFakeElectron({ userData: tempDir('jc-user-'), appPath: appFolder() });
    electron.app.emitReady();
    const { BrowserWindow } = electron;
    // With paintWhenInitiallyHidden: false, Electron never emits ready-to-show.
    class UnpaintedWindow extends BrowserWindow {
      constructor(options: BrowserWindowConstructorOptions) {
        super({ ...options, paintWhenInitiallyHidden: false });
      }
    }
    const { window, loaded } = createMainWindow({
      BrowserWindow: UnpaintedWindow,
      preload: 'preload.cjs',
      isPackaged: true,
      logger: new RecordingLogger(),
    });
    await loaded;
    expect((window as FakeBrowserWindow).visible).toBe(true);
  });

  it('a page that fails to load: an error shown, the hidden window gone, the app quit (the lock released)', async () => {
    const started = start({
      loadFailure: { errorCode: -6, errorDescription: 'ERR_FILE_NOT_FOUND' },
    });
    const { electron, handle, logger } = started;
    electron.app.emitReady();
    await expect(handle.ready).resolves.toBe(false);
    await electron.app.whenQuit;
    const [window] = electron.BrowserWindow.instances;
    expect(window).toBeDefined();
    expect(window!.isDestroyed()).toBe(true);
    expect(window!.visible).toBe(false);
    expect(electron.dialog.errors).toEqual([
      {
        title: 'Justice Companion could not start',
        content: expect.stringContaining('ERR_FILE_NOT_FOUND (-6)'),
      },
    ]);
    expect(electron.app.holdsSingleInstanceLock()).toBe(false);
    expect(started.closeCalls()).toBe(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'window: the renderer did not load' }),
    );
  });

  it('has no DevTools when packaged, and reads migrations from the resources folder', async () => {
    const resourcesPath = tempDir('jc-resources-');
    fs.cpSync(MIGRATIONS_DIR, path.join(resourcesPath, 'migrations'), { recursive: true });
    const { window } = await startReady({
      isPackaged: true,
      resourcesPath,
      appPath: appFolder(false),
    });
    expect(window.options.webPreferences?.devTools).toBe(false);
  });

  it('blocks navigation and new windows', async () => {
    const { window, logger } = await startReady();
    expect(window.webContents.navigate('https://evil.example/login?password=x')).toBe(false);
    expect(window.webContents.mainFrame.url).toBe(APP_ENTRY_URL);
    expect(window.webContents.openWindow('https://evil.example/popup')).toBe('deny');
    expect(logger.text()).toContain('https://evil.example');
    expect(logger.text()).not.toContain('password=x');
  });

  it('enables the sandbox and registers app:// as a privileged scheme before ready', async () => {
    const { electron } = await startReady();
    const readyAt = electron.journal.indexOf('ready');
    expect(electron.journal.indexOf('enableSandbox')).toBeLessThan(readyAt);
    expect(electron.journal.indexOf('registerSchemesAsPrivileged')).toBeLessThan(readyAt);
    expect(electron.protocol.privileged).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) },
    ]);
  });

  it('serves the renderer over app:// with a strict CSP, and nothing outside it', async () => {
    const { electron } = await startReady();
    const page = await electron.protocol.fetch(APP_ENTRY_URL);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(INDEX_HTML);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const script = await electron.protocol.fetch('app://renderer/main.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await electron.protocol.fetch('app://renderer/')).status).toBe(200);
    for (const url of [
      'app://renderer/missing.js',
      'app://renderer/%2e%2e/%2e%2e/migrations/0001_users.sql',
      'app://renderer/..%2F..%2Fmigrations%2F0001_users.sql',
      'app://renderer/..%5C..%5Cmigrations%5C0001_users.sql',
      'app://other/index.html',
      'app://renderer/%00index.html',
    ]) {
      const response = await electron.protocol.fetch(url);
      expect([400, 404], url).toContain(response.status);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
    expect((await electron.protocol.fetch(APP_ENTRY_URL, 'POST')).status).toBe(405);
  });

  it('denies every permission request', async () => {
    const { electron } = await startReady();
    await expect(electron.session.defaultSession.requestPermission('media')).resolves.toBe(false);
    await expect(electron.session.defaultSession.requestPermission('notifications')).resolves.toBe(
      false,
    );
    expect(electron.session.defaultSession.checkPermission()).toBe(false);
  });
});

describe('startApp: IPC and the runtime', () => {
  it('registers every channel and answers the app page from the real runtime', async () => {
    const { electron, window, userData } = await startReady();
    expect(electron.ipcMain.channels().sort()).toEqual(
      [...INVOKE_CHANNELS, ...PROFILE_CHANNEL_NAMES].sort(),
    );
    await expect(
      electron.ipcMain.invoke('auth:validate', fromPage(window), {}),
    ).resolves.toMatchObject({
      ok: true,
      value: { authenticated: false },
    });
    const registered = await electron.ipcMain.invoke('auth:register', fromPage(window), {
      username: 'ada',
      password: PASSWORD,
    });
    expect(registered).toMatchObject({
      ok: true,
      value: { authenticated: true, user: { username: 'ada' } },
    });
    expect(fs.existsSync(path.join(userData, DATA_FILES.database))).toBe(true);
  });

  it('answers the profile channels for the signed-in user, behind the same sender check', async () => {
    const { electron, window } = await startReady();
    const update = { displayName: ' Ada Lovelace ' };
    expect(await electron.ipcMain.invoke('profile:update', fromPage(window), update)).toMatchObject(
      { ok: false, error: { code: 'NOT_AUTHENTICATED' } },
    );
    await electron.ipcMain.invoke('auth:register', fromPage(window), {
      username: 'ada',
      password: PASSWORD,
    });
    expect(await electron.ipcMain.invoke('profile:update', fromPage(window), update)).toEqual({
      ok: true,
      value: { displayName: 'Ada Lovelace' },
    });
    const child = window.webContents.mainFrame.createChild(APP_ENTRY_URL);
    expect(
      await electron.ipcMain.invoke(
        'profile:get',
        { sender: window.webContents, senderFrame: child },
        {},
      ),
    ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
  });

  it('refuses a sub-frame without reaching the runtime', async () => {
    const { electron, window, userData } = await startReady();
    const child = window.webContents.mainFrame.createChild(APP_ENTRY_URL);
    const result = await electron.ipcMain.invoke(
      'auth:register',
      { sender: window.webContents, senderFrame: child },
      {
        username: 'mallory',
        password: PASSWORD,
      },
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    const db = new Database(path.join(userData, DATA_FILES.database), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM users').get()).toEqual({ n: 0 });
    db.close();
  });

  it.each(['darwin', 'win32'] as const)(
    'on %s, forwards screen lock to the runtime, which ends a standard session when configured to',
    async (platform) => {
      const { electron, window, logger } = await startReady({
        platform,
        config: { endStandardSessionOnLock: true },
      });
      expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
      await electron.ipcMain.invoke('auth:register', fromPage(window), {
        username: 'ada',
        password: PASSWORD,
      });
      expect(electron.powerMonitor.simulate('lock-screen')).toBe(true);
      await vi.waitFor(
        () => {
          const pushed = window.webContents.sent.filter((m) => m.channel === STATE_CHANGED_CHANNEL);
          expect(pushed.at(-1)?.args).toEqual([
            expect.objectContaining({ authenticated: false, reason: 'device-locked' }),
          ]);
        },
        { timeout: 5_000 },
      );
    },
  );

  it('on Linux, which reports no screen lock, warns that endStandardSessionOnLock cannot work', async () => {
    const { electron, window, logger } = await startReady({
      platform: 'linux',
      config: { endStandardSessionOnLock: true },
    });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: expect.stringContaining('endStandardSessionOnLock'),
      }),
    );
    expect(electron.powerMonitor.listenerCount('lock-screen')).toBe(0);
    await electron.ipcMain.invoke('auth:register', fromPage(window), {
      username: 'ada',
      password: PASSWORD,
    });
    expect(electron.powerMonitor.simulate('lock-screen')).toBe(false);
    expect(electron.powerMonitor.simulate('suspend')).toBe(true);
  });

  it.each([
    ['darwin', ['lock-screen', 'unlock-screen', 'suspend', 'resume']],
    ['win32', ['lock-screen', 'unlock-screen', 'suspend', 'resume']],
    ['linux', ['suspend', 'resume']],
  ] as const)('on %s forwards %j', async (platform, events) => {
    const { electron, runtimes } = await startReady({ platform });
    const spy = vi.spyOn(runtimes[0]!, 'handleSystemEvent');
    for (const event of ['lock-screen', 'unlock-screen', 'suspend', 'resume'] as const)
      electron.powerMonitor.simulate(event);
    expect(spy.mock.calls.map(([event]) => event)).toEqual(events);
  });

  it('shows an error and quits when the database cannot be opened', async () => {
    const { electron, handle, logger } = start({ appPath: appFolder(false) });
    electron.app.emitReady();
    await expect(handle.ready).resolves.toBe(false);
    await electron.app.whenQuit;
    expect(electron.dialog.errors).toEqual([
      { title: 'Justice Companion could not start', content: expect.any(String) },
    ]);
    expect(electron.BrowserWindow.instances).toEqual([]);
    expect(logger.lines.some((l) => l.level === 'error' && l.message === 'startup failed')).toBe(
      true,
    );
  });
});

describe('startApp: quitting', () => {
  it('creates the runtime timers (cleanup every 5 minutes, unref’d) and leaves none after quit', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const setIntervalSpy = vi.spyOn(globalThis, 'setInterval');
    const started = await startReady();
    const intervals = setIntervalSpy.mock.calls.map((call, i) => ({
      ms: call[1],
      timer: setIntervalSpy.mock.results[i]?.value as { hasRef(): boolean },
    }));
    const cleanup = intervals.find((t) => t.ms === 5 * 60 * 1000);
    expect(cleanup).toBeDefined();
    expect(cleanup!.timer.hasRef()).toBe(false);
    expect(vi.getTimerCount()).toBe(intervals.length);
    await quit(started);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('closes the runtime exactly once before the app quits, ending a standard session', async () => {
    const started = await startReady();
    const { electron, window, userData } = started;
    await electron.ipcMain.invoke('auth:login', fromPage(window), {
      username: 'nobody',
      password: PASSWORD,
    });
    await electron.ipcMain.invoke('auth:register', fromPage(window), {
      username: 'ada',
      password: PASSWORD,
    });
    const quitEvents: string[] = [];
    electron.app.on('will-quit', () =>
      quitEvents.push(`will-quit after ${started.closeCalls()} close`),
    );
    electron.app.quit();
    electron.app.quit();
    expect(electron.app.hasQuit).toBe(false);
    await electron.app.whenQuit;
    expect(started.closeCalls()).toBe(1);
    expect(quitEvents).toEqual(['will-quit after 1 close']);
    const db = new Database(path.join(userData, DATA_FILES.database), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    db.close();
  });

  it('quits when its window is closed', async () => {
    const started = await startReady();
    expect(started.window.close()).toBe(true);
    await started.electron.app.whenQuit;
    expect(started.closeCalls()).toBe(1);
    expect(started.handle.getWindow()).toBeNull();
  });

  it('a Windows shutdown (no before-quit) runs the same shutdown: the standard session ends before the process is killed', async () => {
    const started = await startReady({ platform: 'win32' });
    const { electron, window, userData } = started;
    await electron.ipcMain.invoke('auth:register', fromPage(window), {
      username: 'ada',
      password: PASSWORD,
    });
    // Idle (no cleanup batch in flight): the close then needs no macrotask before the kill.
    await started.runtimes[0]!.runCleanup();
    let beforeQuit = 0;
    electron.app.on('before-quit', () => (beforeQuit += 1));
    electron.app.endWindowsSession(['logoff']);
    await electron.app.whenKilled;
    expect(beforeQuit).toBe(0);
    expect(started.closeCalls()).toBe(1);
    expect(started.closedBeforeKill()).toBe(true);
    const db = new Database(path.join(userData, DATA_FILES.database), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
    db.close();
  });

  it.each(['linux', 'darwin'] as const)(
    'a %s shutdown or restart is held until the runtime has closed (the standard session ended), then the app quits',
    async (platform) => {
      const started = await startReady({ platform });
      const { electron, window, userData } = started;
      await electron.ipcMain.invoke('auth:register', fromPage(window), {
        username: 'ada',
        password: PASSWORD,
      });
      const shutdown = electron.powerMonitor.systemShutdown();
      expect(shutdown.defaultPrevented).toBe(true);
      await electron.app.whenQuit;
      expect(started.closeCalls()).toBe(1);
      const db = new Database(path.join(userData, DATA_FILES.database), { readonly: true });
      expect(db.prepare('SELECT count(*) AS n FROM sessions').get()).toEqual({ n: 0 });
      db.close();
    },
  );

  it('a session-end and a quit together still close the runtime once', async () => {
    const started = await startReady({ platform: 'win32' });
    started.electron.app.quit();
    started.electron.app.endWindowsSession();
    await started.electron.app.whenKilled;
    expect(started.closeCalls()).toBe(1);
  });

  it('closes a runtime that was still starting when the user quit, without opening a window', async () => {
    const started = start();
    started.electron.app.emitReady();
    started.electron.app.quit();
    await expect(started.handle.ready).resolves.toBe(false);
    await started.electron.app.whenQuit;
    expect(started.closeCalls()).toBe(1);
    expect(started.electron.BrowserWindow.instances).toEqual([]);
  });
});

describe('startApp: the Linux password store', () => {
  it.each([
    ['gnome_libsecret', 'gnome-libsecret'],
    ['kwallet', 'kwallet'],
    ['kwallet5', 'kwallet5'],
    ['kwallet6', 'kwallet6'],
  ])('passes --password-store for a pinned %s before ready', async (backend, value) => {
    const userData = tempDir('jc-user-');
    writeStoragePin(userData, backend);
    const { electron } = start({ userData });
    expect(electron.app.commandLine.getSwitchValue('password-store')).toBe(value);
    expect(electron.journal).toContain(`switch:password-store=${value}`);
    expect(electron.journal).not.toContain('ready');
  });

  it.each([
    ['nothing was pinned', null, 'linux'],
    ['basic_text was pinned (never lock in the weak store)', 'basic_text', 'linux'],
    ['unknown was pinned', 'unknown', 'linux'],
    ['secret_service was pinned (a keyring the desktop did not name)', 'secret_service', 'linux'],
    ['not on Linux', 'gnome_libsecret', 'darwin'],
  ] as const)('passes nothing when %s', (_name, backend, platform) => {
    const userData = tempDir('jc-user-');
    if (backend) writeStoragePin(userData, backend);
    const { electron } = start({ userData, platform });
    expect(electron.app.commandLine.hasSwitch('password-store')).toBe(false);
  });

  it("keeps the user's own --password-store", () => {
    const userData = tempDir('jc-user-');
    writeStoragePin(userData, 'kwallet6');
    const appPath = appFolder();
    const electron = createFakeElectron({ userData, appPath });
    electron.app.commandLine.appendSwitch('password-store', 'basic');
    const handle = startApp({
      electron,
      logger: new RecordingLogger(),
      platform: 'linux',
      config: { argon2: TEST_ARGON2 },
    });
    running.push({
      electron,
      handle,
      logger: new RecordingLogger(),
      userData,
      appPath,
      runtimes: [],
      closeCalls: () => 0,
      closedBeforeKill: () => false,
    });
    expect(electron.app.commandLine.getSwitchValue('password-store')).toBe('basic');
  });
});
