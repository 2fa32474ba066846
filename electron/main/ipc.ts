/**
 * The contract's channels and the host app's (`runtime.appChannels`) on `ipcMain`: each
 * forwards to `runtime.invoke` after checking who sent it, and `auth:state-changed` is pushed to
 * the window. Nothing here imports Electron: it takes Electron's objects as arguments.
 */
import {
  fail,
  GENERIC_ERROR_MESSAGE,
  INVOKE_CHANNELS,
  STATE_CHANGED_CHANNEL,
  type IpcResult,
} from '../../src/contract/contract';
import type { Logger } from '../../src/core/ports';
import type { SessionRuntime } from '../../src/core/runtime';
import { APP_ORIGIN } from './app-origin';

/**
 * The parts of a `WebFrameMain` used here. Once its render frame is disposed, `isDestroyed()` is
 * true and the getters (`url`, `parent`, …) throw ("Render frame was disposed …").
 */
export interface FrameLike {
  readonly url: string;
  isDestroyed(): boolean;
}

/** The parts of an `IpcMainInvokeEvent` used here. */
export interface InvokeEventLike {
  readonly sender: unknown;
  /** Null when the frame has navigated away or been destroyed since it sent the message. */
  readonly senderFrame: FrameLike | null;
}

/** The parts of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(
    channel: string,
    listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>,
  ): void;
  removeHandler(channel: string): void;
}

/** The parts of the app's `BrowserWindow` used here. */
export interface IpcWindowLike {
  isDestroyed(): boolean;
  readonly webContents: {
    readonly mainFrame: FrameLike;
    send(channel: string, ...args: unknown[]): void;
  };
}

/** Options of {@link setupIpc}. */
export interface IpcOptions {
  ipcMain: IpcMainLike;
  /** The runtime; its `appChannels` are registered beside the auth channels. */
  runtime: Pick<SessionRuntime, 'invoke' | 'onStateChanged' | 'appChannels'>;
  /** The app's window, or null while there is none. Only its top-level frame is trusted. */
  getWindow: () => IpcWindowLike | null;
  logger: Logger;
  /** The origin the renderer is served from. */
  origin?: string;
}

/** The message a refused sender gets (it learns nothing else). */
export const FORBIDDEN_SENDER_MESSAGE = 'This request is not allowed from here.';

/** `scheme://host` of a URL, `null` for one without a host, `invalid` for garbage. Never a path or query. */
export function originOf(url: string): string {
  try {
    const parsed = new URL(url);
    // Node's URL gives non-special schemes (app:) an opaque origin: build it from the parts.
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : 'null';
  } catch {
    return 'invalid';
  }
}

/**
 * Null when the message comes from exactly `webContents.mainFrame` of the app's window, on the
 * app's origin; otherwise the sender's origin, for the log (`none` without a frame, `disposed`
 * for a frame that is gone). A frame without a parent is not enough: a prerendered or cached
 * page's main frame has none either, and a frame swapped out by a navigation is no longer the
 * main frame.
 */
function refusedSenderOrigin(
  event: InvokeEventLike,
  window: IpcWindowLike | null,
  origin: string,
): string | null {
  let frame: FrameLike | null;
  let senderOrigin: string;
  try {
    frame = event.senderFrame;
    if (frame === null || frame === undefined) return 'none';
    // A disposed frame's getters throw; it is refused, never an exception.
    if (frame.isDestroyed()) return 'disposed';
    senderOrigin = originOf(frame.url);
  } catch {
    return 'disposed';
  }
  if (window === null || window.isDestroyed()) return senderOrigin;
  const contents = window.webContents;
  if (event.sender !== contents || frame !== contents.mainFrame) return senderOrigin;
  return senderOrigin === origin ? null : senderOrigin;
}

/** The origin of the window's current main frame, or null when it cannot be read. */
function mainFrameOrigin(window: IpcWindowLike): string | null {
  try {
    return originOf(window.webContents.mainFrame.url);
  } catch {
    return null;
  }
}

/**
 * Registers one `ipcMain.handle` per auth channel and per app channel, each behind the same
 * sender check, and pushes state changes to the window. Refused senders get `FORBIDDEN_SENDER`
 * and a log line with the channel and origin (never the payload); the runtime is not called.
 * The runtime's envelopes pass through unchanged. Returns a function that removes the handlers
 * and the subscription.
 */
export function setupIpc(options: IpcOptions): () => void {
  const { ipcMain, runtime, getWindow, logger } = options;
  const origin = options.origin ?? APP_ORIGIN;
  const channels = [...INVOKE_CHANNELS, ...Object.keys(runtime.appChannels)];

  for (const channel of channels) {
    ipcMain.handle(channel, async (event, payload): Promise<IpcResult<unknown>> => {
      const refused = refusedSenderOrigin(event, getWindow(), origin);
      if (refused !== null) {
        logger.warn('ipc: refused a message from a foreign sender', { channel, origin: refused });
        return fail('FORBIDDEN_SENDER', FORBIDDEN_SENDER_MESSAGE);
      }
      try {
        return await runtime.invoke(channel, payload);
      } catch (error) {
        // The runtime never rejects; this is the last guard that handlers never throw across IPC.
        logger.error('ipc: handler failed', {
          channel,
          error: error instanceof Error ? error.name : 'unknown',
        });
        return fail('INTERNAL', GENERIC_ERROR_MESSAGE);
      }
    });
  }

  const unsubscribe = runtime.onStateChanged((state) => {
    const window = getWindow();
    if (window === null || window.isDestroyed()) return;
    // Only the app's own page hears about the session, even if it somehow navigated away.
    if (mainFrameOrigin(window) !== origin) return;
    window.webContents.send(STATE_CHANGED_CHANNEL, state);
  });

  return () => {
    unsubscribe();
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}
