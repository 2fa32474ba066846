import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { refuse, send } from './http';

/** `dist/renderer` beside `dist/preview` (the bundle sets `__dirname`), else `./dist/renderer`. */
export function defaultRendererDir(): string {
  const dir = typeof __dirname === 'string' ? __dirname : null;
  const candidates = [
    ...(dir ? [path.resolve(dir, '../renderer'), path.resolve(dir, '../../dist/renderer')] : []),
    path.resolve('dist/renderer'),
  ];
  return (
    candidates.find((c) => fs.existsSync(path.join(c, 'main.js'))) ?? path.resolve('dist/renderer')
  );
}

const ASSETS: Record<string, string> = {
  'main.js': 'text/javascript; charset=utf-8',
  'main.js.map': 'application/json; charset=utf-8',
  'styles.css': 'text/css; charset=utf-8',
};

/** What {@link serveStatic} serves. */
export interface StaticFiles {
  rendererDir: string;
  /** The `window.auth` shim, served as `/preview-auth.js` and loaded before the renderer. */
  shim: string;
  /** The page needs the per-run token in its URL. */
  tokenMatches(candidate: unknown): boolean;
}

/** The renderer's page and assets, with the shim's script tag put in front of the app's. */
export function serveStatic(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
  files: StaticFiles,
): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
  const head = req.method === 'HEAD';
  const name = url.pathname.slice(1);
  if (name === '' || name === 'index.html') {
    if (!files.tokenMatches(url.searchParams.get('token')))
      return refuse(
        res,
        403,
        'Open the URL the preview host printed: it includes the per-run token.',
      );
    const html = read(files.rendererDir, 'index.html');
    if (html === null)
      return refuse(
        res,
        503,
        `The renderer is not built (${files.rendererDir}): run npm run build.`,
      );
    return send(res, 200, 'text/html; charset=utf-8', injectShim(html.toString('utf8')), head);
  }
  if (name === 'preview-auth.js')
    return send(res, 200, 'text/javascript; charset=utf-8', files.shim, head);
  const type = ASSETS[name];
  const body = type ? read(files.rendererDir, name) : null;
  if (!type || body === null) return refuse(res, 404, 'Not found');
  return send(res, 200, type, body, head);
}

function read(dir: string, name: string): Buffer | null {
  try {
    return fs.readFileSync(path.join(dir, name));
  } catch {
    return null;
  }
}

function injectShim(html: string): string {
  const tag = '<script src="./preview-auth.js"></script>';
  const main = /<script\b[^>]*\bsrc="[^"]*main\.js"[^>]*><\/script>/.exec(html);
  if (main) return html.slice(0, main.index) + tag + html.slice(main.index);
  return html.replace('</head>', `${tag}</head>`);
}
