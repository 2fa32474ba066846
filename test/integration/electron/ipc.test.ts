import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { APP_ENTRY_URL } from '../../../electron/main/app-protocol';
import { originOf, setupIpc } from '../../../electron/main/ipc';
import {
  fail,
  INVOKE_CHANNELS,
  ok,
  STATE_CHANGED_CHANNEL,
  type AuthState,
  defineAppChannels,
  type IpcResult,
} from '../../../src/contract/contract';
import { FakeIpcMain, type FakeInvokeEvent } from '../../fakes/electron-ipc';
import { createFakeBrowserWindowClass, type FakeBrowserWindow } from '../../fakes/electron-window';
import { RecordingLogger } from '../../helpers/runtime';

const SIGNED_OUT = {
  authenticated: false,
  reason: 'signed-out',
  storage: { persistent: true, backend: 'gnome_libsecret' },
  rememberForMs: 30 * 24 * 3_600_000,
} as const satisfies AuthState;

const APP_CHANNELS = defineAppChannels({
  'notes:list': { request: z.strictObject({}) },
  'case-files:add-note': { request: z.strictObject({ text: z.string() }) },
});

/** A runtime that records what reaches it and answers with a fixed envelope per call. */
class FakeRuntime {
  readonly appChannels = APP_CHANNELS;
  readonly invoke = vi.fn(
    async (_channel: string, _payload: unknown): Promise<IpcResult<unknown>> => this.answer,
  );
  answer: IpcResult<unknown> = ok(SIGNED_OUT);
  private readonly listeners = new Set<(state: AuthState) => void>();

  onStateChanged(listener: (state: AuthState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(state: AuthState): void {
    for (const listener of this.listeners) listener(state);
  }

  listenerCount(): number {
    return this.listeners.size;
  }
}

function setup() {
  const BrowserWindow = createFakeBrowserWindowClass();
  const window: FakeBrowserWindow = new BrowserWindow({});
  window.webContents.mainFrame.url = APP_ENTRY_URL;
  const ipcMain = new FakeIpcMain();
  const runtime = new FakeRuntime();
  const logger = new RecordingLogger();
  let current: FakeBrowserWindow | null = window;
  const dispose = setupIpc({ ipcMain, runtime, getWindow: () => current, logger });
  const fromApp: FakeInvokeEvent = {
    sender: window.webContents,
    senderFrame: window.webContents.mainFrame,
  };
  return {
    BrowserWindow,
    window,
    ipcMain,
    runtime,
    logger,
    dispose,
    fromApp,
    setWindow: (w: FakeBrowserWindow | null) => (current = w),
  };
}

const LOGIN = { username: 'ada', password: 'correct horse battery staple', rememberMe: true };

describe('setupIpc', () => {
  it("registers exactly the contract's channels and the runtime's app channels, once each", () => {
    const { ipcMain } = setup();
    expect(ipcMain.channels().sort()).toEqual(
      [...INVOKE_CHANNELS, 'notes:list', 'case-files:add-note'].sort(),
    );
  });

  it('forwards a message from the app page to the runtime and returns its envelope unchanged', async () => {
    const { ipcMain, runtime, fromApp } = setup();
    for (const answer of [
      ok(SIGNED_OUT),
      fail('RATE_LIMITED', 'Try again later', { retryAfterMs: 30_000 }),
      fail('INVALID_INPUT', 'x'),
    ]) {
      runtime.answer = answer;
      await expect(ipcMain.handler('auth:login')(fromApp, LOGIN)).resolves.toBe(answer);
    }
    expect(runtime.invoke).toHaveBeenCalledTimes(3);
    expect(runtime.invoke).toHaveBeenLastCalledWith('auth:login', LOGIN);
    // Across the (cloning) IPC boundary the renderer sees the same envelope.
    await expect(ipcMain.invoke('auth:validate', fromApp, {})).resolves.toEqual(runtime.answer);
    expect(runtime.invoke).toHaveBeenLastCalledWith('auth:validate', {});
  });

  it.each([...INVOKE_CHANNELS, ...Object.keys(APP_CHANNELS)])(
    '%s forwards to the runtime under its own name',
    async (channel) => {
      const { ipcMain, runtime, fromApp } = setup();
      await ipcMain.invoke(channel, fromApp, { any: 'payload' });
      expect(runtime.invoke).toHaveBeenCalledExactlyOnceWith(channel, { any: 'payload' });
    },
  );

  describe('refuses, without calling the runtime,', () => {
    type MakeEvent = (s: ReturnType<typeof setup>) => FakeInvokeEvent;
    /** The app window's own event, after its top frame navigated to `url`. */
    const navigatedTo =
      (url: string): MakeEvent =>
      (s) => {
        s.window.webContents.mainFrame.url = url;
        return s.fromApp;
      };
    /** An event from a child frame of the app page, on `url`. */
    const subFrameOn =
      (url: string): MakeEvent =>
      (s) => ({
        sender: s.window.webContents,
        senderFrame: s.window.webContents.mainFrame.createChild(url),
      });
    const cases: Array<[string, MakeEvent, string]> = [
      [
        'a message whose sender frame is gone (null)',
        (s) => ({ sender: s.window.webContents, senderFrame: null }),
        'none',
      ],
      [
        'a frame that is gone (disposed: its getters throw)',
        (s) => {
          const frame = s.window.webContents.mainFrame;
          s.window.webContents.swapMainFrame(APP_ENTRY_URL);
          expect(() => frame.url).toThrow(/Render frame was disposed/);
          return { sender: s.window.webContents, senderFrame: frame };
        },
        'disposed',
      ],
      [
        'a second frame without a parent, on the app origin (a prerendered or cached page)',
        (s) => ({
          sender: s.window.webContents,
          senderFrame: s.window.webContents.createInactiveMainFrame(APP_ENTRY_URL),
        }),
        'app://renderer',
      ],
      [
        'a sub-frame of the app page, even on the app origin',
        subFrameOn(APP_ENTRY_URL),
        'app://renderer',
      ],
      [
        'a sub-frame on a foreign origin',
        subFrameOn('https://ads.example/frame'),
        'https://ads.example',
      ],
      [
        'the app window after it navigated to a foreign origin',
        navigatedTo('https://evil.example/steal?password=hunter2hunter2'),
        'https://evil.example',
      ],
      ['a file:// page in the app window', navigatedTo('file:///tmp/index.html'), 'null'],
      ['another host on the app scheme', navigatedTo('app://other/index.html'), 'app://other'],
      [
        'the top frame of another window, even on the app origin',
        (s) => {
          const other = new s.BrowserWindow({});
          other.webContents.mainFrame.url = APP_ENTRY_URL;
          return { sender: other.webContents, senderFrame: other.webContents.mainFrame };
        },
        'app://renderer',
      ],
      [
        'any sender while there is no window',
        (s) => {
          s.setWindow(null);
          return s.fromApp;
        },
        'app://renderer',
      ],
      [
        'any sender once the window is destroyed (its frames are disposed with it)',
        (s) => {
          s.window.close();
          return s.fromApp;
        },
        'disposed',
      ],
    ];

    // The channel second, so that each title names it (and the two variants differ).
    it.each(
      cases.flatMap(([name, ...rest]) =>
        (['auth:login', 'notes:list'] as const).map((channel) => [name, channel, ...rest] as const),
      ),
    )('%s (%s)', async (_name, channel, makeEvent, origin) => {
      const s = setup();
      const event = makeEvent(s);
      const result = await s.ipcMain.invoke(channel, event, LOGIN);
      expect(result).toEqual({
        ok: false,
        error: { code: 'FORBIDDEN_SENDER', message: expect.any(String) },
      });
      expect(s.runtime.invoke).not.toHaveBeenCalled();
      expect(s.logger.lines).toEqual([
        {
          level: 'warn',
          message: expect.stringContaining('refused'),
          fields: { channel, origin },
        },
      ]);
      const logged = s.logger.text();
      expect(logged).not.toContain(LOGIN.password);
      expect(logged).not.toContain('hunter2');
      expect(logged).not.toContain('steal');
    });
  });

  it('accepts the new main frame after the old one was swapped out', async () => {
    const { ipcMain, runtime, window } = setup();
    const next = window.webContents.swapMainFrame(APP_ENTRY_URL);
    await expect(
      ipcMain.invoke('auth:validate', { sender: window.webContents, senderFrame: next }, {}),
    ).resolves.toMatchObject({ ok: true });
    expect(runtime.invoke).toHaveBeenCalledOnce();
  });

  it('answers INTERNAL (never throws across IPC) if the runtime rejects', async () => {
    const { ipcMain, runtime, fromApp, logger } = setup();
    runtime.invoke.mockRejectedValueOnce(new Error(`boom ${LOGIN.password}`));
    await expect(ipcMain.invoke('auth:login', fromApp, LOGIN)).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    expect(logger.text()).not.toContain(LOGIN.password);
  });

  it('pushes state changes to the app page only', () => {
    const { window, runtime, setWindow } = setup();
    runtime.publish(SIGNED_OUT);
    expect(window.webContents.sent).toEqual([
      { channel: STATE_CHANGED_CHANNEL, args: [SIGNED_OUT] },
    ]);

    window.webContents.mainFrame.url = 'https://evil.example/';
    runtime.publish({ ...SIGNED_OUT, reason: 'expired' });
    window.webContents.mainFrame.url = APP_ENTRY_URL;
    setWindow(null);
    runtime.publish({ ...SIGNED_OUT, reason: 'revoked' });
    setWindow(window);
    window.close();
    expect(() => runtime.publish({ ...SIGNED_OUT, reason: 'idle-timeout' })).not.toThrow();
    expect(window.webContents.sent).toHaveLength(1);
  });

  it('removes its handlers and its subscription when disposed', () => {
    const { ipcMain, runtime, dispose, window } = setup();
    dispose();
    expect(ipcMain.channels()).toEqual([]);
    expect(runtime.listenerCount()).toBe(0);
    runtime.publish(SIGNED_OUT);
    expect(window.webContents.sent).toEqual([]);
    // Registering again works (a second registration without disposing would throw).
    expect(() =>
      setupIpc({ ipcMain, runtime, getWindow: () => window, logger: new RecordingLogger() }),
    ).not.toThrow();
  });
});

describe('originOf', () => {
  it('keeps only scheme and host, never path or query', () => {
    expect(originOf('app://renderer/index.html?token=abc')).toBe('app://renderer');
    expect(originOf('https://user:pw@evil.example:8443/x?password=y#z')).toBe(
      'https://evil.example:8443',
    );
    expect(originOf('file:///etc/passwd')).toBe('null');
    expect(originOf('about:blank')).toBe('null');
    expect(originOf('not a url')).toBe('invalid');
    expect(originOf('')).toBe('invalid');
  });
});
