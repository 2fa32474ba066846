import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';

/** An Electron event object: listeners may cancel the default action. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** A `WebFrameMain`: a URL and a parent (null for a top-level frame). */
export class FakeWebFrameMain {
  constructor(
    public url: string,
    readonly parent: FakeWebFrameMain | null = null,
  ) {}

  /** A child frame (an iframe) of this one. */
  createChild(url: string): FakeWebFrameMain {
    return new FakeWebFrameMain(url, this);
  }
}

/** A `WebContents`: its main frame, what was sent to it, navigation and pop-up hooks. */
export class FakeWebContents extends EventEmitter {
  readonly mainFrame = new FakeWebFrameMain('');
  /** Everything `send` delivered, in order. */
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  private windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null =
    null;

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    // IPC delivers a structured clone, never the object itself.
    this.sent.push({ channel, args: structuredClone(args) });
  }

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** What Electron does when the page calls `window.open(url)`: allowed unless a handler denies. */
  openWindow(url: string): 'allow' | 'deny' {
    return this.windowOpenHandler ? this.windowOpenHandler({ url }).action : 'allow';
  }

  /** A navigation started by the page: `will-navigate` first; true if it went ahead. */
  navigate(url: string): boolean {
    const event = new FakeEvent();
    this.emit('will-navigate', event, url);
    if (event.defaultPrevented) return false;
    this.mainFrame.url = url;
    return true;
  }
}

/** A `BrowserWindow` class whose instances are recorded in `instances`. */
export interface FakeBrowserWindowClass {
  new (options: BrowserWindowConstructorOptions): FakeBrowserWindow;
  readonly instances: FakeBrowserWindow[];
}

/** A `BrowserWindow`. Loading a URL puts it in the main frame; `close()` emits `closed`. */
export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  minimized = false;
  private destroyed = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
  }

  async loadURL(url: string): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    this.webContents.mainFrame.url = url;
  }

  show(): void {
    this.visible = true;
    this.minimized = false;
  }

  focus(): void {
    this.focused = true;
  }

  minimize(): void {
    this.minimized = true;
    this.focused = false;
  }

  restore(): void {
    this.minimized = false;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  close(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
  }
}

/** A fresh `BrowserWindow` class with its own list of instances. */
export function createFakeBrowserWindowClass(): FakeBrowserWindowClass {
  const instances: FakeBrowserWindow[] = [];
  return class extends FakeBrowserWindow {
    static readonly instances = instances;
    constructor(options: BrowserWindowConstructorOptions) {
      super(options);
      instances.push(this);
    }
  };
}
