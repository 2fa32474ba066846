/**
 * DEVELOPMENT AND TEST ONLY: the browser preview host. It runs the real session runtime under
 * Node on a data directory, serves the built renderer, and gives the page a `window.auth` that
 * forwards to `runtime.invoke` over HTTP (see `auth-shim.ts`). It stands in for the Electron main
 * process where no Electron binary exists and is never part of the packaged app.
 *
 * Security, for a process that holds real sessions on a developer's machine:
 * - binds 127.0.0.1 only;
 * - a per-run random token is required on every API call (`X-Preview-Token`) and on the page URL;
 * - the Host header must name this host and port (no DNS rebinding) and a cross-origin request
 *   (Origin or Sec-Fetch-Site says so) is refused with 403; no CORS headers are ever sent;
 * - strict CSP, no-referrer (the page URL holds the token), no caching;
 * - the token, passwords and session tokens are never logged; the URL line printed by the CLI is
 *   the only place the token appears.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { createSessionRuntime, type SessionRuntime } from '../core/runtime';
import type { SessionConfigInput } from '../core/config';
import type { Clock, LogFields, Logger } from '../core/ports';
import { API_METHODS, isInvokeChannel } from '../shared/channels';
import type { AuthState } from '../shared/contract';
import { previewAuthScript, TOKEN_HEADER } from './auth-shim';
import { PreviewFileKeySecretStore, type PreviewSecretStoreMode } from './preview-secret-store';

/** Cheap argon2id parameters, used only with `fastHash` (tests): never the default. */
export const FAST_HASH_ARGON2 = Object.freeze({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

/** The largest request body accepted (the contract caps fields at 4096 characters). */
const MAX_BODY_BYTES = 64 * 1024;
const HEARTBEAT_MS = 15_000;

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface PreviewHostOptions {
  /** Where the database, `session.enc` and the preview key file live. */
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Which key store to simulate; `file` by default. */
  secretStore?: PreviewSecretStoreMode;
  /** Enables `POST /api/test/clock` (a clock offset, for expiry tests). Off by default. */
  testControls?: boolean;
  /** Cheap argon2 parameters ({@link FAST_HASH_ARGON2}); for tests only. Off by default. */
  fastHash?: boolean;
  /** The built renderer (`dist/renderer`); found next to the built host by default. */
  rendererDir?: string;
  /** The `migrations/` folder; found relative to the host by default. */
  migrationsDir?: string;
  logger?: Logger;
}

export interface PreviewHost {
  /** `http://127.0.0.1:PORT/?token=TOKEN`: the page, token included. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly token: string;
  readonly runtime: SessionRuntime;
  /** The current clock offset in ms (only `testControls` changes it). */
  readonly clockOffsetMs: number;
  /** How many pages are listening for `auth:state-changed` right now. */
  readonly openEventStreams: number;
  /** Ends event streams, closes the runtime (like quitting the app), stops listening. */
  close(): Promise<void>;
}

/** Logs to stderr as one line per entry; the runtime never passes secrets in fields. */
export const stderrLogger: Logger = {
  debug: () => {},
  info: (message, fields) => writeLog('info', message, fields),
  warn: (message, fields) => writeLog('warn', message, fields),
  error: (message, fields) => writeLog('error', message, fields),
};

function writeLog(level: string, message: string, fields?: LogFields): void {
  process.stderr.write(`[preview] ${level} ${message}${fields ? ` ${safeJson(fields)}` : ''}\n`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
}

/** The folder this module runs from (the bundle sets `__dirname`; vitest provides it too). */
function here(): string | null {
  return typeof __dirname === 'string' ? __dirname : null;
}

/** `dist/renderer` beside `dist/preview`, else `./dist/renderer`. */
export function defaultRendererDir(): string {
  const dir = here();
  const candidates = [
    ...(dir ? [path.resolve(dir, '../renderer'), path.resolve(dir, '../../dist/renderer')] : []),
    path.resolve('dist/renderer'),
  ];
  return (
    candidates.find((c) => fs.existsSync(path.join(c, 'main.js'))) ?? path.resolve('dist/renderer')
  );
}

/** `migrations/` at the repository root, found from `dist/preview` or `src/preview`, else `./migrations`. */
export function defaultMigrationsDir(): string {
  const dir = here();
  const candidates = [
    ...(dir ? [path.resolve(dir, '../../migrations')] : []),
    path.resolve('migrations'),
  ];
  return candidates.find((c) => fs.existsSync(c)) ?? path.resolve('migrations');
}

/** Starts a preview host; resolves once it listens and the runtime is ready. */
export async function startPreviewHost(options: PreviewHostOptions): Promise<PreviewHost> {
  const logger = options.logger ?? stderrLogger;
  const rendererDir = options.rendererDir ?? defaultRendererDir();
  const token = crypto.randomBytes(32).toString('base64url');
  const tokenBytes = Buffer.from(token);
  let clockOffsetMs = 0;
  const clock: Clock = { now: () => Date.now() + clockOffsetMs };
  const streams = new Set<http.ServerResponse>();
  let runtime: SessionRuntime | null = null;
  let closing = false;
  let port = 0;
  const shim = previewAuthScript(API_METHODS);

  const allowedHosts = (): string[] => [`127.0.0.1:${port}`, `localhost:${port}`];
  const allowedOrigins = (): string[] => allowedHosts().map((h) => `http://${h}`);
  const tokenMatches = (candidate: unknown): boolean => {
    if (typeof candidate !== 'string') return false;
    const bytes = Buffer.from(candidate);
    return bytes.length === tokenBytes.length && crypto.timingSafeEqual(bytes, tokenBytes);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('preview request failed', {
        error: error instanceof Error ? error.message : 'non-error',
      });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host.
    if (!allowedHosts().includes(req.headers.host ?? '')) return refuse(res, 403, 'Forbidden host');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().includes(origin))
      return refuse(res, 403, 'Forbidden origin');
    const site = req.headers['sec-fetch-site'];
    const isApi = url.pathname.startsWith('/api/');
    if (site !== undefined && site !== 'same-origin' && (isApi || site !== 'none')) {
      return refuse(res, 403, 'Forbidden cross-site request');
    }

    if (!isApi) return serveStatic(req, res, url);
    if (!tokenMatches(req.headers[TOKEN_HEADER]))
      return refuse(res, 401, 'Missing or wrong preview token');
    if (!runtime || closing) return refuse(res, 503, 'The preview host is not ready');

    if (url.pathname === '/api/invoke' && req.method === 'POST') return invoke(req, res, runtime);
    if (url.pathname === '/api/events' && req.method === 'GET') return events(req, res, runtime);
    if (url.pathname === '/api/test/clock' && req.method === 'POST' && options.testControls) {
      return setClock(req, res, runtime);
    }
    return refuse(res, 404, 'Not found');
  }

  function serveStatic(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return refuse(res, 405, 'Method not allowed');
    switch (url.pathname) {
      case '/':
      case '/index.html': {
        if (!tokenMatches(url.searchParams.get('token'))) {
          return refuse(
            res,
            403,
            'Open the URL the preview host printed: it includes the per-run token.',
          );
        }
        const html = readRendererFile('index.html');
        if (html === null)
          return refuse(res, 503, `The renderer is not built (${rendererDir}): run npm run build.`);
        return send(
          res,
          200,
          'text/html; charset=utf-8',
          injectShim(html.toString('utf8')),
          req.method === 'HEAD',
        );
      }
      case '/preview-auth.js':
        return send(res, 200, 'text/javascript; charset=utf-8', shim, req.method === 'HEAD');
      case '/main.js':
      case '/main.js.map':
      case '/styles.css': {
        const name = url.pathname.slice(1);
        const body = readRendererFile(name);
        if (body === null) return refuse(res, 404, 'Not found');
        const type = name.endsWith('.css')
          ? 'text/css; charset=utf-8'
          : name.endsWith('.map')
            ? 'application/json; charset=utf-8'
            : 'text/javascript; charset=utf-8';
        return send(res, 200, type, body, req.method === 'HEAD');
      }
      default:
        return refuse(res, 404, 'Not found');
    }
  }

  function readRendererFile(name: string): Buffer | null {
    try {
      return fs.readFileSync(path.join(rendererDir, name));
    } catch {
      return null;
    }
  }

  async function invoke(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rt: SessionRuntime,
  ): Promise<void> {
    if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return refuse(res, 415, 'Send JSON');
    }
    const body = await readJson(req);
    if (!body.ok)
      return refuse(res, body.status, body.status === 413 ? 'Request too large' : 'Malformed JSON');
    const { channel, payload } = (body.value ?? {}) as { channel?: unknown; payload?: unknown };
    if (!isInvokeChannel(channel)) return refuse(res, 404, 'Unknown channel');
    const result = await rt.invoke(channel, payload);
    sendJson(res, 200, result);
  }

  function events(req: http.IncomingMessage, res: http.ServerResponse, rt: SessionRuntime): void {
    res.writeHead(200, {
      ...securityHeaders(),
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = rt.onStateChanged((state: AuthState) => {
      res.write(`event: auth:state-changed\ndata: ${JSON.stringify(state)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    const stop = (): void => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    };
    req.on('close', stop);
    res.on('close', stop);
  }

  async function setClock(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rt: SessionRuntime,
  ): Promise<void> {
    const body = await readJson(req);
    const offset = body.ok ? (body.value as { offsetMs?: unknown } | null)?.offsetMs : undefined;
    if (typeof offset !== 'number' || !Number.isFinite(offset))
      return refuse(res, 400, 'offsetMs must be a number');
    clockOffsetMs = offset;
    logger.warn('test clock offset set', { offsetMs: offset });
    // Re-check now, so the page hears auth:state-changed without waiting for the poll.
    const state = await rt.refresh();
    sendJson(res, 200, { offsetMs: clockOffsetMs, authenticated: state.authenticated });
  }

  function injectShim(html: string): string {
    const tag = '<script src="./preview-auth.js"></script>';
    const main = /<script\b[^>]*\bsrc="[^"]*main\.js"[^>]*><\/script>/.exec(html);
    if (main) return html.slice(0, main.index) + tag + html.slice(main.index);
    return html.replace('</head>', `${tag}</head>`);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as { port: number }).port;

  try {
    runtime = await createSessionRuntime({
      dataDir: options.dataDir,
      secretStore: new PreviewFileKeySecretStore(options.dataDir, options.secretStore ?? 'file'),
      clock,
      logger,
      migrationsDir: options.migrationsDir ?? defaultMigrationsDir(),
      device: `Browser preview (port ${port})`,
      config: options.fastHash
        ? ({ argon2: FAST_HASH_ARGON2 } satisfies SessionConfigInput)
        : undefined,
    });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const ready = runtime;
  const origin = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | null = null;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    runtime: ready,
    get clockOffsetMs() {
      return clockOffsetMs;
    },
    get openEventStreams() {
      return streams.size;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        for (const res of [...streams]) res.end();
        await ready.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closed;
    },
  };
}

function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
}

function send(
  res: http.ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headOnly = false,
): void {
  const data = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, {
    ...securityHeaders(),
    'content-type': type,
    'content-length': String(data.length),
  });
  res.end(headOnly ? undefined : data);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function refuse(res: http.ServerResponse, status: number, message: string): void {
  send(res, status, 'text/plain; charset=utf-8', `${message}\n`);
}

/** The parsed JSON body, or the HTTP status that refuses it (400 malformed, 413 too large). */
async function readJson(
  req: http.IncomingMessage,
): Promise<{ ok: true; value: unknown } | { ok: false; status: 400 | 413 }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Keep reading (and dropping) an oversized body, so the refusal reaches the client cleanly.
    if (size <= MAX_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_BODY_BYTES) return { ok: false, status: 413 };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400 };
  }
}
