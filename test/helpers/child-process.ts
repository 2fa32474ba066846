import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll } from 'vitest';
import { ROOT } from './paths';

/** The repository root. */

const bundles = new Map<string, Promise<string>>();
const bundleDirs: string[] = [];

afterAll(() => {
  for (const dir of bundleDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  bundles.clear();
});

/**
 * Bundles a TypeScript child script (and the core it imports) into one CommonJS file, once per
 * test file, so that each spawn costs a plain `node` start instead of a TypeScript compile:
 * the crash drill starts hundreds of children. Native modules stay external and resolve from
 * the repository's node_modules (NODE_PATH).
 */
export function bundleChild(entry: string): Promise<string> {
  let bundled = bundles.get(entry);
  if (!bundled) {
    bundled = (async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-drill-child-'));
      bundleDirs.push(dir);
      const outfile = path.join(dir, `${path.basename(entry, '.ts')}.cjs`);
      await build({
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node24',
        external: ['better-sqlite3', '@node-rs/argon2'],
        logLevel: 'error',
      });
      return outfile;
    })();
    bundles.set(entry, bundled);
  }
  return bundled;
}

/** Starts a bundled child with `node`, able to resolve the repository's native modules. */
export function startChild(
  file: string,
  args: string[],
  env: Record<string, string> = {},
  options: { uid?: number; gid?: number } = {},
): ChildProcess {
  return spawn(process.execPath, [file, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, NODE_PATH: path.join(ROOT, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...options,
  });
}

/** Calls `onLine` for each line the child prints on stdout. */
export function onLines(child: ChildProcess, onLine: (line: string) => void): void {
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  });
}

/** Resolves with the exit code (or signal name) once the child has exited. */
export function exited(child: ChildProcess): Promise<number | string> {
  // 'close', not 'exit': only then has everything the child wrote to its pipes been read.
  const outcome = (): number | string => child.exitCode ?? child.signalCode ?? -1;
  const streams = [child.stdout, child.stderr].filter((s) => s !== null);
  if (
    (child.exitCode !== null || child.signalCode !== null) &&
    streams.every((s) => s.readableEnded || s.destroyed)
  ) {
    return Promise.resolve(outcome());
  }
  return new Promise((resolve) => child.once('close', () => resolve(outcome())));
}
