import { EventEmitter } from 'node:events';
import type { FakeWebContents, FakeWebFrameMain } from './electron-window';

type InvokeHandler = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;

/** An `IpcMainInvokeEvent`: who sent it. `senderFrame` is null once that frame is gone. */
export interface FakeInvokeEvent {
  readonly sender: FakeWebContents | object;
  readonly senderFrame: FakeWebFrameMain | null;
}

/** `ipcMain`: one handler per channel, like the real one (a second `handle` throws). */
export class FakeIpcMain {
  private readonly handlers = new Map<string, InvokeHandler>();

  handle(channel: string, listener: InvokeHandler): void {
    if (this.handlers.has(channel))
      throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  channels(): string[] {
    return [...this.handlers.keys()];
  }

  /** The registered handler itself (to see exactly what it returns). */
  handler(channel: string): InvokeHandler {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return handler;
  }

  /**
   * What `ipcRenderer.invoke(channel, ...args)` gets: arguments and result cross as structured
   * clones, and a missing handler or a throwing one rejects.
   */
  async invoke(channel: string, event: FakeInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler)
      throw new Error(
        `Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`,
      );
    return structuredClone(await handler(event, ...structuredClone(args)));
  }
}

/** The event object a renderer listener receives. */
export interface FakeIpcRendererEvent {
  sender: FakeIpcRenderer;
  senderId: number;
}

/** `ipcRenderer`: `invoke` answers through `respond`; `emitFromMain` plays `webContents.send`. */
export class FakeIpcRenderer {
  /** Every invoke, with its (cloned) arguments. */
  readonly invocations: Array<{ channel: string; args: unknown[] }> = [];
  respond: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, value: null });
  private readonly emitter = new EventEmitter();

  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    const cloned = structuredClone(args);
    this.invocations.push({ channel, args: cloned });
    return structuredClone(await this.respond(channel, ...cloned));
  }

  on(channel: string, listener: (event: FakeIpcRendererEvent, ...args: unknown[]) => void): this {
    this.emitter.on(channel, listener);
    return this;
  }

  removeListener(
    channel: string,
    listener: (event: FakeIpcRendererEvent, ...args: unknown[]) => void,
  ): this {
    this.emitter.removeListener(channel, listener);
    return this;
  }

  listenerCount(channel: string): number {
    return this.emitter.listenerCount(channel);
  }

  /** Main sent `args` on `channel`. */
  emitFromMain(channel: string, ...args: unknown[]): void {
    const event: FakeIpcRendererEvent = { sender: this, senderId: 0 };
    this.emitter.emit(channel, event, ...structuredClone(args));
  }
}

/**
 * `contextBridge`: copies what is exposed into `world` (the page's `window`) the way the bridge
 * does: functions become proxies that call the original, plain objects and arrays are copied,
 * prototypes and symbol keys are dropped, and a key that already exists cannot be bound again.
 */
export class FakeContextBridge {
  readonly world: Record<string, unknown> = {};

  exposeInMainWorld(apiKey: string, api: unknown): void {
    if (apiKey in this.world)
      throw new Error('Cannot bind an API on top of an existing property on the window object');
    this.world[apiKey] = copyAcrossWorlds(api);
  }
}

function copyAcrossWorlds(value: unknown): unknown {
  if (typeof value === 'function') {
    const original = value as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => copyAcrossWorlds(original(...args.map(copyAcrossWorlds)));
  }
  if (value instanceof Promise) return value.then(copyAcrossWorlds);
  if (Array.isArray(value)) return value.map(copyAcrossWorlds);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, copyAcrossWorlds(item)]),
    );
  }
  return value;
}
