import { EventEmitter } from 'node:events';
import type { CustomScheme } from 'electron';
import { FakeSafeStorage, type FakePlatform } from './electron-safe-storage';
import {
  createFakeBrowserWindowClass,
  FakeEvent,
  type FakeBrowserWindow,
  type FakeBrowserWindowClass,
} from './electron-window';
import { FakeIpcMain } from './electron-ipc';

/**
 * What happened, in order, across the fakes of one app: 'ready', 'switch:password-store=…',
 * 'enableSandbox', 'registerSchemesAsPrivileged', 'quit', … Lets tests check what ran before
 * `ready`.
 */
export type Journal = string[];

/** State shared by the fakes of one app. */
interface Shared {
  ready: boolean;
  journal: Journal;
}

/** `app.commandLine`. Switches appended after `ready` are recorded but, as in Chromium, too late. */
export class FakeCommandLine {
  readonly switches = new Map<string, string>();
  constructor(private readonly shared: Shared) {}

  appendSwitch(name: string, value = ''): void {
    this.shared.journal.push(`switch:${name}=${value}${this.shared.ready ? ' (after ready)' : ''}`);
    this.switches.set(name, value);
  }

  hasSwitch(name: string): boolean {
    return this.switches.has(name);
  }

  getSwitchValue(name: string): string {
    return this.switches.get(name) ?? '';
  }
}

/** Options of {@link FakeApp}. */
export interface FakeAppOptions {
  userData: string;
  appPath: string;
  isPackaged?: boolean;
  /** False: another instance holds the single-instance lock. */
  gotLock?: boolean;
  /** `process.platform` of the simulated machine; `linux` by default. */
  platform?: FakePlatform;
}

/**
 * Electron's `app`, as Electron's `docs/api/app.md` describes it. `whenReady` resolves on
 * {@link FakeApp.emitReady}. `quit()` emits `before-quit` (cancellable), then tries to close
 * every window (each may veto, which cancels the quit), then emits `will-quit` (cancellable) and
 * `quit`; `window-all-closed` is emitted when the last window closes other than by quitting. A
 * Windows shutdown or log-off ({@link FakeApp.endWindowsSession}) emits none of these: only the
 * windows' `session-end`, then the process is killed.
 */
export class FakeApp extends EventEmitter {
  readonly commandLine: FakeCommandLine;
  readonly isPackaged: boolean;
  readonly platform: FakePlatform;
  quitCalls = 0;
  hasQuit = false;
  /** The OS ended the process (after a Windows `session-end`). */
  killed = false;
  private lockRequested = false;
  private quitting = false;
  private windows: () => FakeBrowserWindow[] = () => [];
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private resolveQuit!: () => void;
  private resolveKilled!: () => void;
  /** Resolves once the app has really quit (`quit` emitted). */
  readonly whenQuit: Promise<void>;
  /** Resolves once the OS has ended the process. */
  readonly whenKilled: Promise<void>;

  constructor(
    private readonly options: FakeAppOptions,
    private readonly shared: Shared,
  ) {
    super();
    this.commandLine = new FakeCommandLine(shared);
    this.isPackaged = options.isPackaged ?? false;
    this.platform = options.platform ?? 'linux';
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
    this.whenQuit = new Promise((resolve) => (this.resolveQuit = resolve));
    this.whenKilled = new Promise((resolve) => (this.resolveKilled = resolve));
  }

  /** Which windows are open (wired by {@link createFakeElectron}). */
  trackWindows(windows: () => FakeBrowserWindow[]): void {
    this.windows = () => windows().filter((window) => !window.isDestroyed());
  }

  requestSingleInstanceLock(): boolean {
    this.shared.journal.push('requestSingleInstanceLock');
    this.lockRequested = this.options.gotLock ?? true;
    return this.lockRequested;
  }

  /** Whether this process still holds the single-instance lock (released when it exits). */
  holdsSingleInstanceLock(): boolean {
    return this.lockRequested && !this.hasQuit && !this.killed;
  }

  /** A window closed: the last one closing, other than by quitting, emits `window-all-closed`. */
  windowClosed(): void {
    if (!this.quitting && !this.hasQuit && this.windows().length === 0)
      this.emit('window-all-closed');
  }

  enableSandbox(): void {
    if (this.shared.ready)
      throw new Error('app.enableSandbox() can only be called before app is ready');
    this.shared.journal.push('enableSandbox');
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  isReady(): boolean {
    return this.shared.ready;
  }

  /** The app became ready: `ready` is emitted and `whenReady()` resolves. */
  emitReady(): void {
    if (this.shared.ready) return;
    this.shared.ready = true;
    this.shared.journal.push('ready');
    this.emit('ready', new FakeEvent(), {});
    this.resolveReady();
  }

  getPath(name: string): string {
    if (name === 'userData') return this.options.userData;
    throw new Error(`Failed to get '${name}' path`);
  }

  getAppPath(): string {
    return this.options.appPath;
  }

  quit(): void {
    this.quitCalls += 1;
    this.shared.journal.push('quit');
    if (this.hasQuit || this.killed) return;
    const beforeQuit = new FakeEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    this.quitting = true;
    try {
      for (const window of this.windows()) {
        if (!window.close()) {
          this.shared.journal.push('quit cancelled by a window');
          return;
        }
      }
    } finally {
      this.quitting = false;
    }
    const willQuit = new FakeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.hasQuit = true;
    this.emit('quit', new FakeEvent(), 0);
    this.resolveQuit();
  }

  /**
   * Windows shuts down or logs off (WM_ENDSESSION): every window gets `session-end` (a
   * `WindowSessionEndEvent`), `before-quit` and `will-quit` never come, and the OS ends the
   * process right after. Electron runs a microtask checkpoint when the listeners return; here the
   * process ends at the next macrotask, so only work done synchronously or in microtasks by then
   * counts.
   */
  endWindowsSession(
    reasons: Array<'shutdown' | 'close-app' | 'critical' | 'logoff'> = ['shutdown'],
  ): void {
    if (this.platform !== 'win32') throw new Error('session-end is emitted on Windows only');
    this.shared.journal.push('session-end');
    for (const window of this.windows()) {
      window.emit('query-session-end', Object.assign(new FakeEvent(), { reasons }));
    }
    for (const window of this.windows()) {
      window.emit('session-end', Object.assign(new FakeEvent(), { reasons }));
    }
    setImmediate(() => {
      this.killed = true;
      this.shared.journal.push('killed');
      this.resolveKilled();
    });
  }

  /** A second launch of the app (the real one passes argv, cwd and data). */
  launchSecondInstance(): void {
    this.emit('second-instance', new FakeEvent(), ['justice-companion'], '/', {});
  }
}

/** `powerMonitor`'s OS events and where they exist (Electron's `docs/api/power-monitor.md`). */
const POWER_EVENT_PLATFORMS: Readonly<Record<string, readonly FakePlatform[]>> = {
  suspend: ['linux', 'darwin', 'win32'],
  resume: ['linux', 'darwin', 'win32'],
  'lock-screen': ['darwin', 'win32'],
  'unlock-screen': ['darwin', 'win32'],
  shutdown: ['linux', 'darwin'],
  'on-ac': ['darwin', 'win32'],
  'on-battery': ['darwin', 'win32'],
};

/**
 * `powerMonitor` on one platform. {@link simulate} plays what the OS does (nothing, for an event
 * the platform never emits); emitting such an event directly is a test bug and throws.
 */
export class FakePowerMonitor extends EventEmitter {
  constructor(readonly platform: FakePlatform = 'linux') {
    super();
  }

  /** The OS reports `event`; false when this platform never emits it. */
  simulate(event: string): boolean {
    const platforms = POWER_EVENT_PLATFORMS[event];
    if (!platforms) throw new Error(`powerMonitor has no event '${event}'`);
    if (!platforms.includes(this.platform)) return false;
    super.emit(event, new FakeEvent());
    return true;
  }

  /**
   * Linux or macOS is about to shut down or restart: `shutdown` with an event whose
   * `preventDefault()` asks Electron to hold the shutdown while the app quits; returns that event.
   */
  systemShutdown(): FakeEvent {
    const event = new FakeEvent();
    this.emit('shutdown', event);
    return event;
  }

  override emit(event: string | symbol, ...args: unknown[]): boolean {
    const platforms = typeof event === 'string' ? POWER_EVENT_PLATFORMS[event] : undefined;
    if (platforms && !platforms.includes(this.platform))
      throw new Error(`powerMonitor never emits '${String(event)}' on ${this.platform}`);
    return super.emit(event, ...args);
  }
}

/** `protocol`: privileged schemes only before ready, handlers only after. */
export class FakeProtocol {
  readonly privileged: CustomScheme[] = [];
  private readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  constructor(private readonly shared: Shared) {}

  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (this.shared.ready)
      throw new Error('protocol.registerSchemesAsPrivileged should be called before app is ready');
    this.shared.journal.push('registerSchemesAsPrivileged');
    this.privileged.push(...schemes);
  }

  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    if (!this.shared.ready) throw new Error('protocol.handle can only be used after app is ready');
    if (this.handlers.has(scheme)) throw new Error(`Failed to register protocol: ${scheme}`);
    this.handlers.set(scheme, handler);
  }

  isProtocolHandled(scheme: string): boolean {
    return this.handlers.has(scheme);
  }

  /** What the renderer gets when it requests `url`. */
  async fetch(url: string, method = 'GET'): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.slice(0, -1));
    if (!handler) throw new Error(`net::ERR_UNKNOWN_URL_SCHEME ${url}`);
    return handler(new Request(url, { method }));
  }
}

type PermissionRequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
) => void;

/** `session.defaultSession`'s permission hooks. Without a handler, Electron grants. */
export class FakeSession {
  private requestHandler: PermissionRequestHandler | null = null;
  private checkHandler: (() => boolean) | null = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: (() => boolean) | null): void {
    this.checkHandler = handler;
  }

  /** A page asks for `permission`. */
  requestPermission(permission: string): Promise<boolean> {
    const handler = this.requestHandler;
    if (!handler) return Promise.resolve(true);
    return new Promise((resolve) => handler({}, permission, resolve));
  }

  checkPermission(): boolean {
    return this.checkHandler ? this.checkHandler() : true;
  }
}

/** Every Electron module the composition root takes, as fakes sharing one `ready`. */
export interface FakeElectron {
  app: FakeApp;
  BrowserWindow: FakeBrowserWindowClass;
  ipcMain: FakeIpcMain;
  safeStorage: FakeSafeStorage;
  powerMonitor: FakePowerMonitor;
  protocol: FakeProtocol;
  session: { readonly defaultSession: FakeSession };
  dialog: {
    errors: Array<{ title: string; content: string }>;
    showErrorBox(title: string, content: string): void;
  };
  journal: Journal;
}

/** A fresh set of fakes. `app.emitReady()` makes the app, safeStorage and protocol ready. */
export function createFakeElectron(
  options: FakeAppOptions & { safeStorage?: FakeSafeStorage },
): FakeElectron {
  const shared: Shared = { ready: false, journal: [] };
  const app = new FakeApp(options, shared);
  const safeStorage = options.safeStorage ?? new FakeSafeStorage({ platform: app.platform });
  app.on('ready', () => {
    safeStorage.ready = true;
  });
  const BrowserWindow = createFakeBrowserWindowClass(() => app.windowClosed());
  app.trackWindows(() => BrowserWindow.instances);
  const defaultSession = new FakeSession();
  const errors: Array<{ title: string; content: string }> = [];
  return {
    app,
    BrowserWindow,
    ipcMain: new FakeIpcMain(),
    safeStorage,
    powerMonitor: new FakePowerMonitor(app.platform),
    protocol: new FakeProtocol(shared),
    session: {
      get defaultSession(): FakeSession {
        if (!shared.ready) throw new Error('Session can only be received when app is ready');
        return defaultSession;
      },
    },
    dialog: {
      errors,
      showErrorBox: (title, content) => {
        errors.push({ title, content });
      },
    },
    journal: shared.journal,
  };
}
