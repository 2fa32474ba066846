/** The preview host's command line: options, the one URL line, and shutdown on signals. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PREVIEW_DATA_DIR, parsePreviewArgs } from '../../../src/preview/cli-options';
import { tempDir } from '../../helpers/temp-dir';

// `node --import tsx` runs the server in this one process (the tsx CLI would spawn a child that
// SIGKILL cannot reach).
const NODE_ARGS = ['--import', 'tsx'];
const SERVER = path.resolve('src/preview/server.ts');
const URL_LINE = /^Preview: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]{43})$/;

describe('parsePreviewArgs', () => {
  it('has safe defaults: random port, file store, no test controls, real hashing', () => {
    expect(parsePreviewArgs([])).toEqual({
      dataDir: path.resolve(DEFAULT_PREVIEW_DATA_DIR),
      port: 0,
      secretStore: 'file',
      testControls: false,
      fastHash: false,
    });
  });

  it('reads every option', () => {
    expect(
      parsePreviewArgs([
        '--data-dir',
        'x/y',
        '--port',
        '4173',
        '--secret-store',
        'basic_text',
        '--test-controls',
        '--fast-hash',
      ]),
    ).toEqual({
      dataDir: path.resolve('x/y'),
      port: 4173,
      secretStore: 'basic_text',
      testControls: true,
      fastHash: true,
    });
    expect(parsePreviewArgs(['--secret-store=unavailable'])).toMatchObject({
      secretStore: 'unavailable',
    });
    expect(parsePreviewArgs(['--help'])).toBe('help');
  });

  it('refuses what it does not understand, with a message naming the option', () => {
    expect(() => parsePreviewArgs(['--port', '-1'])).toThrow(/--port/);
    expect(() => parsePreviewArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parsePreviewArgs(['--port', 'eighty'])).toThrow(/--port/);
    expect(() => parsePreviewArgs(['--secret-store', 'plaintext'])).toThrow(/--secret-store/);
    expect(() => parsePreviewArgs(['--host', '0.0.0.0'])).toThrow();
    expect(() => parsePreviewArgs(['stray'])).toThrow();
  });
});

const started: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  // A test that failed half-way must not leave a host running.
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** Starts `server.ts` under tsx and resolves once it printed its URL line. */
async function spawnHost(args: string[]): Promise<{
  child: ChildProcessWithoutNullStreams;
  line: string;
  origin: string;
  token: string;
  stdout: string[];
  stderr: () => string;
  exited: Promise<number | null>;
}> {
  const child = spawn(process.execPath, [...NODE_ARGS, SERVER, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const stdout: string[] = [];
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL line in 30 s: ${stderr}`)), 30_000);
    readline.createInterface({ input: child.stdout }).on('line', (l) => {
      stdout.push(l);
      if (l.startsWith('Preview: ')) {
        clearTimeout(timer);
        resolve(l);
      }
    });
  });
  const match = URL_LINE.exec(line);
  if (!match) throw new Error(`unexpected URL line: ${line}`);
  return {
    child,
    line,
    origin: `http://127.0.0.1:${match[1]}`,
    token: match[2] ?? '',
    stdout,
    stderr: () => stderr,
    exited,
  };
}

async function call(
  host: { origin: string; token: string },
  channel: string,
  payload: unknown,
): Promise<unknown> {
  const reply = await fetch(`${host.origin}/api/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-preview-token': host.token },
    body: JSON.stringify({ channel, payload }),
  });
  return reply.json();
}

describe('preview server process', () => {
  it('a killed host (no clean shutdown) leaves a data directory the next host restores from', async () => {
    const dataDir = tempDir('jc-cli-');
    const first = await spawnHost(['--data-dir', dataDir, '--fast-hash']);
    const signedIn = (await call(first, 'auth:register', {
      username: 'kim',
      password: 'correct horse battery staple',
      rememberMe: true,
    })) as { value: { session: { id: string } } };
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await spawnHost(['--data-dir', dataDir, '--fast-hash']);
    try {
      expect(await call(second, 'auth:validate', {})).toMatchObject({
        ok: true,
        value: { authenticated: true, session: { id: signedIn.value.session.id } },
      });
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('prints one URL line on stdout, never the token elsewhere, and exits 0 on SIGTERM', async () => {
    const dataDir = tempDir('jc-cli-');
    const host = await spawnHost(['--data-dir', dataDir, '--fast-hash']);
    const page = await fetch(`${host.origin}/?token=${host.token}`);
    // The renderer may not be built in a vitest run: either the page or a clear 503.
    expect([200, 503]).toContain(page.status);
    expect(await call(host, 'auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: false },
    });
    expect(fs.existsSync(path.join(dataDir, 'sessions.db'))).toBe(true);

    host.child.kill('SIGTERM');
    expect(await host.exited).toBe(0);
    expect(host.stdout).toEqual([host.line]);
    expect(host.stderr()).toContain('DEVELOPMENT ONLY');
    expect(host.stderr()).not.toContain(host.token);
  });

  it('exits 0 on SIGINT (Ctrl+C) too', async () => {
    const host = await spawnHost(['--data-dir', tempDir('jc-cli-'), '--fast-hash']);
    host.child.kill('SIGINT');
    expect(await host.exited).toBe(0);
  });

  it('exits 2 with the usage on a bad option', async () => {
    const child = spawn(process.execPath, [...NODE_ARGS, SERVER, '--secret-store', 'plaintext'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) =>
      child.once('exit', (c) => resolve(c)),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('--secret-store must be one of file, unavailable, basic_text');
    expect(stderr).toContain('Usage:');
  });
});
