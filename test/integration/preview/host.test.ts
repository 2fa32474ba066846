/**
 * The preview host over real HTTP, with the real runtime on real SQLite files in temp dirs.
 * (The renderer is a stand-in here; the Playwright journeys serve the real one.)
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MIN_ARGON2 } from '../../../src/core/config';
import { machineName } from '../../../src/core/runtime/device-name';
import vm from 'node:vm';
import { build } from 'esbuild';
import { bundleDefaults, bundleTargets } from '../../../scripts/bundle-targets.mjs';
import {
  installPreviewBridge,
  type BridgeWindow,
} from '../../../src/preview/browser/install-bridge';
import { TOKEN_HEADER } from '../../../src/preview/token-header';
import {
  FAST_HASH_ARGON2,
  startPreviewHost,
  type PreviewHost,
  type PreviewHostOptions,
} from '../../../src/preview/host';
import {
  API_METHODS,
  type AppApi,
  type AuthApi,
  type AuthState,
  type IpcResult,
} from '../../../src/contract/contract';
import type { ProfileChannels } from '../../../src/contract/profile-channels';
import { MIGRATIONS_DIR } from '../../helpers/db';
import { tempDir } from '../../helpers/temp-dir';

const PASSWORD = 'correct horse battery staple';
const TOKEN_PATTERN =
  /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}/;

const hosts: PreviewHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.close();
});

function rendererFixture(): string {
  const dir = tempDir('jc-renderer-');
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><title>t</title><script type="module" src="./main.js"></script></head><body></body></html>',
  );
  fs.writeFileSync(path.join(dir, 'main.js'), 'console.log("renderer");');
  fs.writeFileSync(path.join(dir, 'styles.css'), 'body{}');
  return dir;
}

let bridgeBundle: Promise<string> | null = null;

/** The page's bridge, bundled once with the build's own configuration. */
function builtBridge(): Promise<string> {
  bridgeBundle ??= (async () => {
    const target = bundleTargets.find((t) => t.outfile === 'dist/preview/preview-bridge.js')!;
    const outfile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jc-bridge-')), 'bridge.js');
    await build({ ...bundleDefaults, ...target, outfile, logLevel: 'silent' });
    return outfile;
  })();
  return bridgeBundle;
}

async function start(options: Partial<PreviewHostOptions> = {}): Promise<PreviewHost> {
  const host = await startPreviewHost({
    dataDir: options.dataDir ?? tempDir('jc-preview-'),
    rendererDir: rendererFixture(),
    bridgeFile: await builtBridge(),
    migrationsDir: MIGRATIONS_DIR,
    fastHash: true,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    ...options,
  });
  hosts.push(host);
  return host;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request (so Host, Origin and Sec-Fetch-* can be set freely). */
function request(
  host: PreviewHost,
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: host.port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function invoke(
  host: PreviewHost,
  channel: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return request(host, '/api/invoke', {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token, ...headers },
    body: JSON.stringify({ channel, payload }),
  });
}

async function envelope<T = unknown>(
  host: PreviewHost,
  channel: string,
  payload: unknown,
): Promise<IpcResult<T>> {
  const reply = await invoke(host, channel, payload);
  expect(reply.status).toBe(200);
  expect(reply.body).not.toMatch(TOKEN_PATTERN);
  return JSON.parse(reply.body) as IpcResult<T>;
}

/** Reads `auth:state-changed` events from /api/events. */
function subscribe(
  host: PreviewHost,
): Promise<{ states: AuthState[]; next(): Promise<AuthState>; close(): void }> {
  return new Promise((resolve, reject) => {
    const states: AuthState[] = [];
    const waiting: Array<(state: AuthState) => void> = [];
    const req = http.get(
      {
        host: '127.0.0.1',
        port: host.port,
        path: '/api/events',
        headers: { [TOKEN_HEADER]: host.token },
      },
      (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data) {
              const state = JSON.parse(data) as AuthState;
              const waiter = waiting.shift();
              if (waiter) waiter(state);
              else states.push(state);
            }
            end = buffer.indexOf('\n\n');
          }
        });
        resolve({
          states,
          next: () =>
            new Promise<AuthState>((ok, fail) => {
              const queued = states.shift();
              if (queued) return ok(queued);
              const timer = setTimeout(
                () => fail(new Error('no state-changed event within 5 s')),
                5000,
              );
              waiting.push((state) => {
                clearTimeout(timer);
                ok(state);
              });
            }),
          close: () => req.destroy(),
        });
      },
    );
    req.on('error', reject);
  });
}

describe('preview host: address, token and page', () => {
  it('listens on 127.0.0.1 only, on a random port, with a 256-bit URL-safe token in its URL', async () => {
    const a = await start();
    const b = await start();
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    expect(a.url).toBe(`${a.origin}/?token=${a.token}`);
    expect(a.port).not.toBe(b.port);
    expect(a.token).not.toBe(b.token);
  });

  it('serves the page only with the token, with the bridge placed before main.js', async () => {
    const host = await start();
    expect((await request(host, '/', { headers: { host: `127.0.0.1:${host.port}` } })).status).toBe(
      403,
    );
    expect((await request(host, '/?token=wrong')).status).toBe(403);
    const page = await request(host, `/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body.indexOf('<script src="./preview-bridge.js"></script>')).toBeGreaterThan(0);
    expect(page.body.indexOf('preview-bridge.js')).toBeLessThan(page.body.indexOf('main.js'));
    expect(page.body).not.toContain(host.token);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).not.toContain('unsafe');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('serves the bridge and the renderer files, and nothing else', async () => {
    const host = await start();
    const bridge = await request(host, '/preview-bridge.js');
    expect(bridge.status).toBe(200);
    expect(bridge.headers['content-type']).toMatch(/^text\/javascript/);
    expect(bridge.body).toBe(fs.readFileSync(await builtBridge(), 'utf8'));
    const unbuilt = await start({ bridgeFile: path.join(tempDir('jc-none-'), 'missing.js') });
    expect((await request(unbuilt, '/preview-bridge.js')).status).toBe(503);
    expect((await request(host, '/main.js')).body).toContain('renderer');
    expect((await request(host, '/styles.css')).headers['content-type']).toMatch(/^text\/css/);
    for (const pathname of [
      '/package.json',
      '/../package.json',
      '/%2e%2e/package.json',
      '/sessions.db',
      '/api',
    ]) {
      expect((await request(host, pathname)).status, pathname).toBe(404);
    }
  });
});

describe('preview host: who may call the API', () => {
  it('requires the token on every API call', async () => {
    const host = await start();
    const noToken = await request(host, '/api/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'auth:validate', payload: {} }),
    });
    expect(noToken.status).toBe(401);
    expect(
      (await invoke(host, 'auth:validate', {}, { [TOKEN_HEADER]: 'x'.repeat(43) })).status,
    ).toBe(401);
    expect(
      (await invoke(host, 'auth:validate', {}, { [TOKEN_HEADER]: `${host.token}x` })).status,
    ).toBe(401);
    expect((await request(host, '/api/events')).status).toBe(401);
    expect((await invoke(host, 'auth:validate', {})).status).toBe(200);
  });

  it('refuses other hosts (DNS rebinding), other origins and cross-site requests with 403, even with the token', async () => {
    const host = await start();
    expect(
      (await invoke(host, 'auth:validate', {}, { host: `evil.example:${host.port}` })).status,
    ).toBe(403);
    expect((await invoke(host, 'auth:validate', {}, { host: '127.0.0.1:1' })).status).toBe(403);
    expect(
      (await invoke(host, 'auth:validate', {}, { origin: 'http://evil.example' })).status,
    ).toBe(403);
    expect(
      (await invoke(host, 'auth:validate', {}, { origin: `http://127.0.0.1:${host.port + 1}` }))
        .status,
    ).toBe(403);
    expect((await invoke(host, 'auth:validate', {}, { origin: 'null' })).status).toBe(403);
    expect(
      (await invoke(host, 'auth:validate', {}, { 'sec-fetch-site': 'cross-site' })).status,
    ).toBe(403);
    expect(
      (await invoke(host, 'auth:validate', {}, { 'sec-fetch-site': 'same-site' })).status,
    ).toBe(403);
    expect(
      (
        await request(host, `/?token=${host.token}`, {
          headers: { 'sec-fetch-site': 'cross-site' },
        })
      ).status,
    ).toBe(403);
    // The same origin is fine, by either name.
    expect(
      (
        await invoke(
          host,
          'auth:validate',
          {},
          { origin: host.origin, 'sec-fetch-site': 'same-origin' },
        )
      ).status,
    ).toBe(200);
    expect(
      (await invoke(host, 'auth:validate', {}, { host: `localhost:${host.port}` })).status,
    ).toBe(200);
  });

  it('never sends CORS headers, so a browser blocks other origins from reading answers', async () => {
    const host = await start();
    const preflight = await request(host, '/api/invoke', {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(403);
    const replies = [
      preflight,
      await invoke(host, 'auth:validate', {}),
      await request(host, `/?token=${host.token}`),
    ];
    for (const reply of replies)
      expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers bad requests with HTTP errors and bad payloads with the runtime envelope', async () => {
    const host = await start();
    expect((await invoke(host, 'auth:nope', {})).status).toBe(404);
    expect((await invoke(host, 'constructor', {})).status).toBe(404);
    expect((await invoke(host, 'notes:list', {})).status).toBe(404);
    expect((await invoke(host, 'hasOwnProperty', {})).status).toBe(404);
    const malformed = await request(host, '/api/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    const notJson = await request(host, '/api/invoke', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', [TOKEN_HEADER]: host.token },
      body: '{}',
    });
    expect(notJson.status).toBe(415);
    const huge = await request(host, '/api/invoke', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
      body: JSON.stringify({
        channel: 'auth:login',
        payload: { username: 'a', password: 'x'.repeat(100_000) },
      }),
    });
    expect(huge.status).toBe(413);
    const invalid = await envelope(host, 'auth:login', {
      username: 'a',
      password: 'b',
      extra: true,
    });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect((await request(host, '/api/invoke')).status).toBe(401);
  });
});

describe('preview host: forwarding to the runtime', () => {
  it('forwards every channel to runtime.invoke and labels sessions with this host', async () => {
    const host = await start();
    const registered = await envelope<AuthState>(host, 'auth:register', {
      username: 'alice',
      password: PASSWORD,
    });
    expect(registered.ok).toBe(true);
    const state = registered.ok ? registered.value : null;
    expect(state?.authenticated).toBe(true);
    if (!state?.authenticated) return;
    // Named after the machine, never the port: the label stays the same after a restart.
    expect(state.session.device).toBe(`Browser preview on ${machineName()}`);
    expect(state.session.device).not.toContain(String(host.port));
    expect(state.storage).toEqual({ persistent: true, backend: 'preview-file-key' });
    const sessions = await envelope<{ sessions: unknown[] }>(host, 'auth:sessions', {});
    expect(sessions.ok && sessions.value.sessions).toHaveLength(1);
    const out = await envelope<AuthState>(host, 'auth:logout', {});
    expect(out).toMatchObject({ ok: true, value: { authenticated: false, reason: 'signed-out' } });
    expect(await envelope(host, 'auth:sessions', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHENTICATED' },
    });
  });

  it('pushes auth:state-changed to every open event stream', async () => {
    const host = await start();
    const first = await subscribe(host);
    const second = await subscribe(host);
    await envelope(host, 'auth:register', { username: 'bob', password: PASSWORD });
    for (const stream of [first, second]) {
      expect(await stream.next()).toMatchObject({ authenticated: true, user: { username: 'bob' } });
    }
    await envelope(host, 'auth:logout', {});
    expect(await first.next()).toMatchObject({ authenticated: false, reason: 'signed-out' });
    second.close();
    first.close();
  });

  it('keeps the real argon2 cost unless --fast-hash is given', async () => {
    const normal = await start({ fastHash: false });
    expect(normal.runtime.config.argon2).toEqual(MIN_ARGON2);
    const fast = await start({ fastHash: true });
    expect(fast.runtime.config.argon2).toEqual(FAST_HASH_ARGON2);
  });

  it('simulates the secret store modes', async () => {
    for (const [mode, reason] of [
      ['unavailable', 'unavailable'],
      ['basic_text', 'weak-backend'],
    ] as const) {
      const host = await start({ secretStore: mode });
      const state = await envelope<AuthState>(host, 'auth:validate', {});
      expect(state.ok && state.value.storage).toMatchObject({ persistent: false, reason });
    }
  });
});

describe('preview host: test clock', () => {
  it('is off unless test controls are enabled', async () => {
    const host = await start();
    const reply = await request(host, '/api/test/clock', {
      method: 'POST',
      headers: { 'content-type': 'application/json', [TOKEN_HEADER]: host.token },
      body: JSON.stringify({ offsetMs: 1 }),
    });
    expect(reply.status).toBe(404);
    expect(host.clockOffsetMs).toBe(0);
  });

  it('moves the runtime clock, re-checks at once and pushes the expiry', async () => {
    const host = await start({ testControls: true });
    await envelope(host, 'auth:register', { username: 'carol', password: PASSWORD });
    const events = await subscribe(host);
    const setClock = (body: unknown, token = host.token) =>
      request(host, '/api/test/clock', {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(body),
      });
    expect((await setClock({ offsetMs: 1 }, 'wrong')).status).toBe(401);
    expect((await setClock({ offsetMs: 'soon' })).status).toBe(400);
    // Within the idle limit: still signed in.
    const early = await setClock({ offsetMs: 11 * 3_600_000 });
    expect(JSON.parse(early.body)).toEqual({ offsetMs: 11 * 3_600_000, authenticated: true });
    const late = await setClock({ offsetMs: 12 * 3_600_000 + 1000 });
    expect(JSON.parse(late.body)).toEqual({
      offsetMs: 12 * 3_600_000 + 1000,
      authenticated: false,
    });
    expect(await events.next()).toMatchObject({ authenticated: false, reason: 'idle-timeout' });
    events.close();
  });
});

describe('preview host: shutdown and restart', () => {
  it('close() ends event streams and the runtime; a remembered session is restored by the next host', async () => {
    const dataDir = tempDir('jc-preview-');
    const first = await start({ dataDir });
    const signedIn = await envelope<AuthState>(first, 'auth:register', {
      username: 'dave',
      password: PASSWORD,
      rememberMe: true,
    });
    const id = signedIn.ok && signedIn.value.authenticated ? signedIn.value.session.id : '';
    const events = await subscribe(first);
    await first.close();
    await first.close(); // idempotent
    await expect(request(first, '/api/invoke')).rejects.toThrow();
    events.close();

    const second = await start({ dataDir });
    const restored = await envelope<AuthState>(second, 'auth:validate', {});
    expect(restored).toMatchObject({ ok: true, value: { authenticated: true, session: { id } } });
  });

  it('a standard session ends with its host', async () => {
    const dataDir = tempDir('jc-preview-');
    const first = await start({ dataDir });
    await envelope(first, 'auth:register', { username: 'erin', password: PASSWORD });
    await first.close();
    const second = await start({ dataDir });
    expect(await envelope(second, 'auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: false },
    });
  });
});

describe("the page's bridge: window.auth and window.app over HTTP", () => {
  /** A stand-in window whose fetch goes to `host`. */
  function standIn(host: PreviewHost, token = host.token): BridgeWindow {
    return {
      location: { search: `?token=${token}` },
      fetch: (input, init) => fetch(new URL(String(input), host.origin), init),
      setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
    };
  }

  function bridgeFor(
    host: PreviewHost,
    token = host.token,
  ): { auth: AuthApi; app: AppApi<ProfileChannels> } {
    const win = standIn(host, token);
    installPreviewBridge(win);
    if (!win.auth || !win.app)
      throw new Error('the bridge did not define window.auth and window.app');
    return { auth: win.auth, app: win.app };
  }

  it('defines exactly the preload shape: window.auth and window.app, frozen, not redefinable', async () => {
    const host = await start();
    const win = standIn(host);
    installPreviewBridge(win);
    expect(Object.keys(win.auth!).sort()).toEqual(
      [...Object.keys(API_METHODS), 'onStateChanged'].sort(),
    );
    expect(Object.keys(win.app!).sort()).toEqual(['profileGet', 'profileUpdate']);
    for (const api of [win.auth!, win.app!]) {
      for (const value of Object.values(api)) expect(typeof value).toBe('function');
      expect(Object.isFrozen(api)).toBe(true);
    }
    expect(() => installPreviewBridge(win)).toThrow();
  });

  it('is one self-contained script that installs both APIs on the page it runs in', async () => {
    const host = await start();
    const served = (await request(host, '/preview-bridge.js')).body;
    const win = standIn(host) as BridgeWindow & Record<string, unknown>;
    vm.runInNewContext(served, { window: win, URLSearchParams, TextDecoder, console });
    expect(Object.keys(win.app as object).sort()).toEqual(['profileGet', 'profileUpdate']);
    expect(await (win.auth as AuthApi).validate()).toMatchObject({ ok: true });
  });

  it('carries calls and pushes between the page and the runtime', async () => {
    const host = await start();
    const { auth } = bridgeFor(host);
    const pushed: AuthState[] = [];
    const unsubscribe = auth.onStateChanged((state) => pushed.push(state));
    expect(await auth.validate()).toMatchObject({
      ok: true,
      value: { authenticated: false, reason: 'not-signed-in' },
    });
    await expect.poll(() => host.openEventStreams).toBe(1);
    const registered = await auth.register({ username: 'frank', password: PASSWORD });
    expect(registered).toMatchObject({ ok: true, value: { authenticated: true } });
    await expect.poll(() => pushed.length).toBe(1);
    expect(pushed[0]).toMatchObject({ authenticated: true, user: { username: 'frank' } });
    expect(await auth.login({ username: 'frank', password: 'wrong password here' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS' },
    });
    // After unsubscribing, a listener hears nothing more (while another one still does).
    unsubscribe();
    const later: AuthState[] = [];
    auth.onStateChanged((state) => later.push(state));
    await auth.logout();
    await expect.poll(() => later.length).toBe(1);
    expect(later[0]).toMatchObject({ authenticated: false, reason: 'signed-out' });
    expect(pushed).toHaveLength(1);
  });

  it('forwards the app channels: the profile, for the signed-in user only', async () => {
    const host = await start();
    const { auth, app } = bridgeFor(host);
    expect(await app.profileGet()).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHENTICATED' },
    });
    await auth.register({ username: 'gina', password: PASSWORD });
    expect(await app.profileUpdate({ displayName: ' Gina ' })).toEqual({
      ok: true,
      value: { displayName: 'Gina' },
    });
    expect(await app.profileGet()).toEqual({ ok: true, value: { displayName: 'Gina' } });
    expect(await app.profileUpdate({ displayName: '' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'displayName: Enter a display name.' },
    });
  });

  it('never throws: a refused token or a host that went away come back as envelopes', async () => {
    const host = await start();
    const refused = await bridgeFor(host, 'not-the-token').auth.validate();
    expect(refused).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(!refused.ok && refused.error.message).toMatch(/refused this page/);
    const { auth, app } = bridgeFor(host);
    await host.close();
    for (const gone of [await auth.validate(), await app.profileGet()]) {
      expect(gone).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      expect(!gone.ok && gone.error.message).toMatch(/not reachable/);
    }
  });
});
