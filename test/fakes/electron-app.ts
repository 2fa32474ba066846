import { EventEmitter } from 'node:events';
import type { CustomScheme } from 'electron';
import { FakeAsyncSafeStorage } from './electron-safe-storage';
import {
  createFakeBrowserWindowClass,
  FakeEvent,
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
}

/**
 * Electron's `app`: `whenReady` resolves on {@link FakeApp.emitReady}; `quit()` emits
 * `before-quit` (cancellable), then `will-quit` and `quit`, as the real one does.
 */
export class FakeApp extends EventEmitter {
  readonly commandLine: FakeCommandLine;
  readonly isPackaged: boolean;
  quitCalls = 0;
  hasQuit = false;
  private readonly readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private resolveQuit!: () => void;
  /** Resolves once the app has really quit (`quit` emitted). */
  readonly whenQuit: Promise<void>;

  constructor(
    private readonly options: FakeAppOptions,
    private readonly shared: Shared,
  ) {
    super();
    this.commandLine = new FakeCommandLine(shared);
    this.isPackaged = options.isPackaged ?? false;
    this.readyPromise = new Promise((resolve) => (this.resolveReady = resolve));
    this.whenQuit = new Promise((resolve) => (this.resolveQuit = resolve));
  }

  requestSingleInstanceLock(): boolean {
    this.shared.journal.push('requestSingleInstanceLock');
    return this.options.gotLock ?? true;
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
    if (this.hasQuit) return;
    const beforeQuit = new FakeEvent();
    this.emit('before-quit', beforeQuit);
    if (beforeQuit.defaultPrevented) return;
    const willQuit = new FakeEvent();
    this.emit('will-quit', willQuit);
    if (willQuit.defaultPrevented) return;
    this.hasQuit = true;
    this.emit('quit', new FakeEvent(), 0);
    this.resolveQuit();
  }

  /** A second launch of the app (the real one passes argv, cwd and data). */
  launchSecondInstance(): void {
    this.emit('second-instance', new FakeEvent(), ['justice-companion'], '/', {});
  }
}

/** `powerMonitor`. */
export class FakePowerMonitor extends EventEmitter {}

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
  safeStorage: FakeAsyncSafeStorage;
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
  options: FakeAppOptions & { safeStorage?: FakeAsyncSafeStorage },
): FakeElectron {
  const shared: Shared = { ready: false, journal: [] };
  const app = new FakeApp(options, shared);
  const safeStorage = options.safeStorage ?? new FakeAsyncSafeStorage();
  app.on('ready', () => {
    safeStorage.ready = true;
  });
  const defaultSession = new FakeSession();
  const errors: Array<{ title: string; content: string }> = [];
  return {
    app,
    BrowserWindow: createFakeBrowserWindowClass(),
    ipcMain: new FakeIpcMain(),
    safeStorage,
    powerMonitor: new FakePowerMonitor(),
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
