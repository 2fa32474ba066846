/**
 * The renderer is served from `app://renderer/…` (not `file://`): a real origin the IPC sender
 * check can compare against, with a strict Content-Security-Policy on every response.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import type { Logger } from '../../src/core/ports';

import { APP_HOST, APP_SCHEME } from './app-origin';

export { APP_ENTRY_URL } from './app-origin';

/** Sent with every response: nothing but the app's own scripts, styles and images. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * `standard` gives `app://renderer` a real origin (relative URLs, same-origin checks), `secure`
 * makes it a secure context; module scripts are fetched in CORS mode, hence `corsEnabled` and
 * `supportFetchAPI` (the CSP still forbids `fetch`).
 */
const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true },
};

/** The parts of Electron's `protocol` used here. */
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void;
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Must run before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/** Serves `rendererDir` on `app://renderer/`. Runs after the app is ready. */
export function setupAppProtocol(
  protocol: ProtocolLike,
  rendererDir: string,
  logger: Logger,
): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const response = await serveRendererFile(request, rendererDir);
    if (response.status !== 200)
      logger.warn('app protocol: refused a request', { status: response.status });
    return response;
  });
}

/**
 * Answers one `app://` request from the files under `rendererDir`: GET or HEAD on the app's host
 * only, nothing outside the folder (`..`, encoded separators), `index.html` for `/`.
 */
async function serveRendererFile(
  request: Pick<Request, 'url' | 'method'>,
  rendererDir: string,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return respond(405);
  let url: URL;
  let pathname: string;
  try {
    url = new URL(request.url);
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return respond(400);
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || pathname.includes('\0'))
    return respond(404);
  const root = path.resolve(rendererDir);
  const relative = path.posix.normalize(`/${pathname}`).slice(1) || 'index.html';
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) return respond(404);
  let body: Buffer;
  try {
    body = await fs.promises.readFile(file);
  } catch {
    return respond(404);
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: headers(type),
  });
}

function respond(status: number): Response {
  return new Response(null, { status, headers: headers('text/plain; charset=utf-8') });
}

function headers(contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
  };
}
