import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions } from 'electron';

/** An Electron event object: listeners may cancel the default action. */
export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

/** What `WebFrameMain`'s getters throw once the render frame is gone (Electron's message). */
const FRAME_DISPOSED_MESSAGE = 'Render frame was disposed before WebFrameMain could be accessed';

/**
 * A `WebFrameMain`. Once its render frame is disposed (a navigation swapped it out, the page
 * closed), `isDestroyed()` is true and its getters (`url`, `parent`, `top`) throw, as Electron's
 * `WebFrameMain::CheckRenderFrame` makes them do.
 */
export class FakeWebFrameMain {
  private currentUrl: string;
  private disposed = false;
  private isDetached = false;

  constructor(
    url: string,
    private readonly parentFrame: FakeWebFrameMain | null = null,
  ) {
    this.currentUrl = url;
  }

  get url(): string {
    this.check();
    return this.currentUrl;
  }

  /** A navigation committed in this frame. */
  set url(url: string) {
    this.check();
    this.currentUrl = url;
  }

  get parent(): FakeWebFrameMain | null {
    this.check();
    return this.parentFrame;
  }

  get top(): FakeWebFrameMain {
    this.check();
    return this.parentFrame ? this.parentFrame.top : this;
  }

  /** Whether the frame has left the frame tree (its page is unloading or gone). */
  get detached(): boolean {
    return this.isDetached;
  }

  isDestroyed(): boolean {
    return this.disposed;
  }

  /** A child frame (an iframe) of this one. */
  createChild(url: string): FakeWebFrameMain {
    return new FakeWebFrameMain(url, this);
  }

  /** The render frame goes away: detached from the tree, then disposed. */
  dispose(): void {
    this.isDetached = true;
    this.disposed = true;
  }

  private check(): void {
    if (this.disposed) throw new Error(FRAME_DISPOSED_MESSAGE);
  }
}

/** How a load fails: Chromium's net error code and name (`-6`, `ERR_FILE_NOT_FOUND`). */
export interface FakeLoadFailure {
  errorCode: number;
  errorDescription: string;
}

/** A `WebContents`: its main frame, what was sent to it, loads, navigation and pop-up hooks. */
export class FakeWebContents extends EventEmitter {
  /** Everything `send` delivered, in order. */
  readonly sent: Array<{ channel: string; args: unknown[] }> = [];
  destroyed = false;
  /** Set to make loads fail the way Chromium reports it. */
  loadFailure: FakeLoadFailure | null = null;
  private currentMainFrame = new FakeWebFrameMain('');
  private windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null =
    null;

  /** The top frame of the page shown now; another object after {@link swapMainFrame}. */
  get mainFrame(): FakeWebFrameMain {
    return this.currentMainFrame;
  }

  /**
   * Resolves once the page has loaded (`did-finish-load`); when it fails, `did-fail-load` is
   * emitted for the main frame and the promise rejects with an error carrying `errno`, `code` and
   * `url`, as Electron's `webContents.loadURL` does.
   */
  async loadURL(url: string): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    await Promise.resolve();
    const failure = this.loadFailure;
    if (failure) {
      const { errorCode, errorDescription } = failure;
      this.emit('did-fail-load', new FakeEvent(), errorCode, errorDescription, url, true, 1, 1);
      const error = new Error(`${errorDescription} (${errorCode}) loading '${url}'`);
      throw Object.assign(error, { errno: errorCode, code: errorDescription, url });
    }
    this.currentMainFrame.url = url;
    this.emit('did-finish-load', new FakeEvent());
  }

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
    this.currentMainFrame.url = url;
    return true;
  }

  /**
   * The page shown now gets a new render frame (a cross-origin navigation, a prerendered page
   * activated): the old main frame is disposed. Returns the new main frame.
   */
  swapMainFrame(url: string): FakeWebFrameMain {
    const previous = this.currentMainFrame;
    this.currentMainFrame = new FakeWebFrameMain(url);
    previous.dispose();
    return this.currentMainFrame;
  }

  /**
   * A live top-level frame of this contents that is not its main frame: a prerendered page not
   * yet shown, or one kept in the back/forward cache. It has no parent, like the main frame.
   */
  createInactiveMainFrame(url: string): FakeWebFrameMain {
    return new FakeWebFrameMain(url);
  }
}

/** A `BrowserWindow` class whose instances are recorded in `instances`. */
export interface FakeBrowserWindowClass {
  new (options: BrowserWindowConstructorOptions): FakeBrowserWindow;
  readonly instances: FakeBrowserWindow[];
  /** Applied to every window created from now on: its loads fail this way. */
  loadFailure: FakeLoadFailure | null;
}

/**
 * A `BrowserWindow`. `loadURL` is the contents' own; after a successful load it emits
 * `ready-to-show` (the page painted while hidden), never after a failed one, and never at all with
 * `paintWhenInitiallyHidden: false`. `close()` emits `close`, which a listener (or the page's
 * `beforeunload`, {@link vetoClose}) can cancel, then `closed`; `destroy()` skips `close`.
 */
export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  visible = false;
  focused = false;
  minimized = false;
  /** The page's `beforeunload` cancels any close. */
  vetoClose = false;
  private destroyed = false;

  constructor(
    readonly options: BrowserWindowConstructorOptions,
    private readonly onClosed: () => void = () => {},
  ) {
    super();
  }

  async loadURL(url: string): Promise<void> {
    if (this.destroyed) throw new Error('Object has been destroyed');
    await this.webContents.loadURL(url);
    if (this.options.paintWhenInitiallyHidden !== false && !this.destroyed)
      this.emit('ready-to-show');
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

  isVisible(): boolean {
    return this.visible && !this.destroyed;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Tries to close: false when `close` was cancelled. */
  close(): boolean {
    if (this.destroyed) return true;
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented || this.vetoClose) return false;
    this.destroy();
    return true;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.webContents.mainFrame.dispose();
    this.emit('closed');
    this.onClosed();
  }
}

/** A fresh `BrowserWindow` class with its own instances; `onClosed` hears every `closed`. */
export function createFakeBrowserWindowClass(
  onClosed: (window: FakeBrowserWindow) => void = () => {},
): FakeBrowserWindowClass {
  const instances: FakeBrowserWindow[] = [];
  return class FakeBrowserWindowOfApp extends FakeBrowserWindow {
    static readonly instances = instances;
    static loadFailure: FakeLoadFailure | null = null;
    constructor(options: BrowserWindowConstructorOptions) {
      super(options, () => onClosed(this));
      this.webContents.loadFailure = FakeBrowserWindowOfApp.loadFailure;
      instances.push(this);
    }
  };
}
