import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createAppApi, exposeAppChannels } from '../../../electron/preload/app-api';
import { createAuthApi, exposeAuthApi } from '../../../electron/preload/auth-api';
import {
  API_METHODS,
  STATE_CHANGED_CHANNEL,
  type AuthApi,
  type AppApi,
  type AuthState,
  defineAppChannels,
} from '../../../src/contract/contract';
import { FakeContextBridge, FakeIpcRenderer } from '../../fakes/electron-ipc';

const EXPECTED_KEYS = [...Object.keys(API_METHODS), 'onStateChanged'].sort();

const STATE: AuthState = {
  authenticated: false,
  reason: 'expired',
  storage: { persistent: false, backend: 'basic_text', reason: 'weak-backend' },
  rememberForMs: 30 * 24 * 3_600_000,
};

function exposed(): { world: Record<string, unknown>; auth: AuthApi; ipc: FakeIpcRenderer } {
  const bridge = new FakeContextBridge();
  const ipc = new FakeIpcRenderer();
  exposeAuthApi(bridge, ipc);
  return { world: bridge.world, auth: bridge.world.auth as AuthApi, ipc };
}

describe('preload window.auth', () => {
  it('exposes exactly one function per contract channel plus onStateChanged, and nothing else', () => {
    const { world, auth } = exposed();
    expect(Object.keys(world)).toEqual(['auth']);
    expect(Object.keys(auth).sort()).toEqual(EXPECTED_KEYS);
    for (const key of EXPECTED_KEYS)
      expect(typeof (auth as unknown as Record<string, unknown>)[key]).toBe('function');
    for (const leak of ['ipcRenderer', 'invoke', 'send', 'on', 'sendSync', 'postMessage']) {
      expect(auth).not.toHaveProperty(leak);
    }
  });

  it.each(Object.entries(API_METHODS))(
    '%s() sends %s with the request, or {} without one',
    async (method, channel) => {
      const { auth, ipc } = exposed();
      const call = (auth as unknown as Record<string, (request?: unknown) => Promise<unknown>>)[
        method
      ];
      ipc.respond = (ch, request) => ({ ok: true, value: { echo: ch, request } });
      await expect(call!({ sessionId: 'x' })).resolves.toEqual({
        ok: true,
        value: { echo: channel, request: { sessionId: 'x' } },
      });
      await expect(call!()).resolves.toEqual({ ok: true, value: { echo: channel, request: {} } });
      expect(ipc.invocations.map((i) => i.channel)).toEqual([channel, channel]);
      expect(ipc.invocations.every((i) => i.args.length === 1)).toBe(true);
    },
  );

  it("passes main's error envelopes through untouched", async () => {
    const { auth, ipc } = exposed();
    const envelope = {
      ok: false,
      error: { code: 'RATE_LIMITED', message: 'Wait', retryAfterMs: 30_000 },
    };
    ipc.respond = () => envelope;
    await expect(auth.login({ username: 'ada', password: 'x' })).resolves.toEqual(envelope);
  });

  it('onStateChanged hands over the state only (never the IPC event) until unsubscribed', () => {
    const { auth, ipc } = exposed();
    const received: unknown[][] = [];
    const unsubscribe = auth.onStateChanged((...args: unknown[]) => received.push(args));
    expect(ipc.listenerCount(STATE_CHANGED_CHANNEL)).toBe(1);
    ipc.emitFromMain(STATE_CHANGED_CHANNEL, STATE);
    expect(received).toEqual([[STATE]]);
    unsubscribe();
    unsubscribe();
    expect(ipc.listenerCount(STATE_CHANGED_CHANNEL)).toBe(0);
    ipc.emitFromMain(STATE_CHANGED_CHANNEL, STATE);
    expect(received).toHaveLength(1);
  });

  it('rejects a listener that is not a function', () => {
    const { auth } = exposed();
    expect(() => auth.onStateChanged('nope' as unknown as (state: AuthState) => void)).toThrow(
      TypeError,
    );
  });

  it('gives every call its own API object, frozen', () => {
    const api = createAuthApi(new FakeIpcRenderer());
    expect(Object.isFrozen(api)).toBe(true);
  });
});

describe('the bundled preload', () => {
  it('is one file that runs where require() knows only electron (sandbox: true), without zod', async () => {
    // The same bundling scripts/build.mjs applies to electron/preload/index.ts.
    const result = await build({
      entryPoints: [path.resolve('electron/preload/index.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node24',
      external: ['electron'],
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/zod/i);

    const bridge = new FakeContextBridge();
    const ipc = new FakeIpcRenderer();
    const required: string[] = [];
    const sandboxRequire = (id: string): unknown => {
      required.push(id);
      if (id === 'electron') return { contextBridge: bridge, ipcRenderer: ipc };
      throw new Error(`module not found: ${id}`);
    };
    const module = { exports: {} };
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports });

    expect(required).toEqual(['electron']);
    expect(Object.keys(bridge.world)).toEqual(['auth', 'app']);
    expect(Object.keys(bridge.world.auth as object).sort()).toEqual(EXPECTED_KEYS);
    expect(Object.keys(bridge.world.app as object).sort()).toEqual(['profileGet', 'profileUpdate']);
    ipc.respond = (channel, request) => ({ ok: true, value: { channel, request } });
    const app = bridge.world.app as { profileUpdate(r: unknown): Promise<unknown> };
    await expect(app.profileUpdate({ displayName: 'Ada' })).resolves.toEqual({
      ok: true,
      value: { channel: 'profile:update', request: { displayName: 'Ada' } },
    });
  });
});

const NOTES = defineAppChannels({
  'notes:list': { request: z.strictObject({}) },
  'case-files:add-note': {
    request: z.strictObject({ text: z.string() }),
    response: z.object({ id: z.string() }),
  },
});

describe('preload window.app', () => {
  it('exposes one method per app channel, named area:verb → areaVerb, from the definitions or their names', async () => {
    for (const channels of [NOTES, ['notes:list', 'case-files:add-note'] as const]) {
      const bridge = new FakeContextBridge();
      const ipc = new FakeIpcRenderer();
      exposeAppChannels<typeof NOTES>(bridge, ipc, channels);
      expect(Object.keys(bridge.world)).toEqual(['app']);
      const app = bridge.world.app as AppApi<typeof NOTES>;
      expect(Object.keys(app).sort()).toEqual(['caseFilesAddNote', 'notesList']);
      ipc.respond = (channel, request) => ({ ok: true, value: { channel, request } });
      await expect(app.notesList()).resolves.toEqual({
        ok: true,
        value: { channel: 'notes:list', request: {} },
      });
      await expect(app.caseFilesAddNote({ text: 'hi' })).resolves.toEqual({
        ok: true,
        value: { channel: 'case-files:add-note', request: { text: 'hi' } },
      });
      for (const leak of ['ipcRenderer', 'invoke', 'send', 'on'])
        expect(app).not.toHaveProperty(leak);
    }
  });

  it('is frozen, and refuses a name that is not an app channel', () => {
    const ipc = new FakeIpcRenderer();
    expect(Object.isFrozen(createAppApi(ipc, NOTES))).toBe(true);
    expect(() => createAppApi(ipc, ['auth:login'] as never)).toThrow(/reserved/);
    expect(() => createAppApi(ipc, ['notes'] as never)).toThrow(/area:verb/);
  });
});
