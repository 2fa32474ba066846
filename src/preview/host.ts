/**
 * DEVELOPMENT AND TEST ONLY: the browser preview host. It runs the real session runtime under
 * Node on a data directory (with the app's channels, the profile, protected as in Electron),
 * serves the built renderer, and gives the page the preload's `window.auth` and `window.app`
 * carried over HTTP to `runtime.invoke` (see `browser/`). It stands in for the Electron main
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
import http from 'node:http';
import type { SessionConfigInput } from '../core/config';
import type { Logger } from '../core/ports';
import { protectProfile } from '../core/profile/protect-profile';
import { createSessionRuntime, type SessionRuntime } from '../core/runtime';
import { machineName } from '../core/runtime/device-name';
import { PROFILE_CHANNELS, type ProfileChannels } from '../contract/profile-channels';
import { clockRoute, invokeRoute, TestClock } from './api-routes';
import { EventStreams } from './event-stream';
import { refuse, send } from './http';
import { stderrLogger } from './preview-logger';
import { PreviewFileKeySecretStore, type PreviewSecretStoreMode } from './preview-secret-store';
import { RequestGuard } from './request-guard';
import { defaultBridgeFile, defaultRendererDir, serveStatic } from './static-files';
import { TOKEN_HEADER } from './token-header';

/** Cheap argon2id parameters, used only with `fastHash` (tests): never the default. */
export const FAST_HASH_ARGON2 = Object.freeze({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

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
  /** The page's bridge bundle (`dist/preview/preview-bridge.js`); found like the renderer. */
  bridgeFile?: string;
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
  readonly runtime: SessionRuntime<ProfileChannels>;
  /** The current clock offset in ms (only `testControls` changes it). */
  readonly clockOffsetMs: number;
  /** How many pages are listening for `auth:state-changed` right now. */
  readonly openEventStreams: number;
  /** Ends event streams, closes the runtime (like quitting the app), stops listening. */
  close(): Promise<void>;
}

/** Starts a preview host; resolves once it listens and the runtime is ready. */
export async function startPreviewHost(options: PreviewHostOptions): Promise<PreviewHost> {
  const logger = options.logger ?? stderrLogger;
  const token = crypto.randomBytes(32).toString('base64url');
  const clock = new TestClock();
  const streams = new EventStreams();
  let runtime: SessionRuntime<ProfileChannels> | null = null;
  let closing = false;
  let port = 0;
  const guard = new RequestGuard(token, () => port);
  const files = {
    rendererDir: options.rendererDir ?? defaultRendererDir(),
    bridgeFile: options.bridgeFile ?? defaultBridgeFile(),
    tokenMatches: (candidate: unknown) => guard.tokenMatches(candidate),
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const isApi = url.pathname.startsWith('/api/');
    const refused = guard.check(req, isApi);
    if (refused) return refuse(res, refused.status, refused.message);
    if (!isApi) return serveStatic(req, res, url, files);
    if (!guard.tokenMatches(req.headers[TOKEN_HEADER]))
      return refuse(res, 401, 'Missing or wrong preview token');
    if (!runtime || closing) return refuse(res, 503, 'The preview host is not ready');
    const rt = runtime;
    const call = `${req.method} ${url.pathname}`;
    if (call === 'POST /api/invoke') return invokeRoute(req, res, rt);
    if (call === 'GET /api/events') return streams.serve(req, res, (l) => rt.onStateChanged(l));
    if (call === 'POST /api/test/clock' && options.testControls)
      return clockRoute(req, res, rt, clock, logger);
    return refuse(res, 404, 'Not found');
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error('preview request failed', {
        error: error instanceof Error ? error.message : 'non-error',
      });
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'Internal error');
      else res.end();
    });
  });

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
      migrationsDir: options.migrationsDir,
      device: `Browser preview on ${machineName() || 'this computer'}`,
      config: options.fastHash
        ? ({ argon2: FAST_HASH_ARGON2 } satisfies SessionConfigInput)
        : undefined,
      appChannels: PROFILE_CHANNELS,
    });
    protectProfile(runtime);
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
      return clock.offsetMs;
    },
    get openEventStreams() {
      return streams.size;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        streams.endAll();
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
