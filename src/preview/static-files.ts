import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { refuse, send } from './http';

/** `dist/renderer` beside `dist/preview` (the bundle sets `__dirname`), else `./dist/renderer`. */
export function defaultRendererDir(): string {
  return builtFile('renderer', 'main.js') ?? path.resolve('dist/renderer');
}

/** The page's bridge bundle, `dist/preview/preview-bridge.js`, found like the renderer. */
export function defaultBridgeFile(): string {
  const dir = builtFile('preview', BRIDGE_FILE) ?? path.resolve('dist/preview');
  return path.join(dir, BRIDGE_FILE);
}

/** The folder `dist/<folder>` that holds `file`, beside this bundle or in the working directory. */
function builtFile(folder: string, file: string): string | null {
  const dir = typeof __dirname === 'string' ? __dirname : null;
  const candidates = [
    ...(dir ? [path.resolve(dir, `../${folder}`), path.resolve(dir, `../../dist/${folder}`)] : []),
    path.resolve(`dist/${folder}`),
  ];
  return candidates.find((c) => fs.existsSync(path.join(c, file))) ?? null;
}

/** The bridge's file name, which is also the path the page loads it from. */
const BRIDGE_FILE = 'preview-bridge.js';

const ASSETS: Record<string, string> = {
  'main.js': 'text/javascript; charset=utf-8',
  'main.js.map': 'application/json; charset=utf-8',
  'styles.css': 'text/css; charset=utf-8',
};

/** What {@link serveStatic} serves. */
export interface StaticFiles {
  rendererDir: string;
  /** `window.auth` and `window.app` (the bundled bridge), served before the renderer. */
  bridgeFile: string;
  /** The page needs the per-run token in its URL. */
  tokenMatches(candidate: unknown): boolean;
}

/** The renderer's page and assets, with the bridge's script tag put in front of the app's. */
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
    return send(res, 200, 'text/html; charset=utf-8', injectBridge(html.toString('utf8')), head);
  }
  if (name === BRIDGE_FILE) {
    // Read at each request, so a rebuild needs no restart.
    const bridge = read(path.dirname(files.bridgeFile), path.basename(files.bridgeFile));
    if (bridge === null)
      return refuse(
        res,
        503,
        `The preview bridge is not built (${files.bridgeFile}): run npm run build.`,
      );
    return send(res, 200, 'text/javascript; charset=utf-8', bridge, head);
  }
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

function injectBridge(html: string): string {
  const tag = `<script src="./${BRIDGE_FILE}"></script>`;
  const main = /<script\b[^>]*\bsrc="[^"]*main\.js"[^>]*><\/script>/.exec(html);
  if (main) return html.slice(0, main.index) + tag + html.slice(main.index);
  return html.replace('</head>', `${tag}</head>`);
}
