/**
 * The package as a host app consumes it: `npm pack` (which builds the library), the tarball
 * installed into a fresh project (`type: module`, TypeScript strict, `moduleResolution:
 * nodenext`), the host written from the code examples of docs/building-on-the-module.md (and
 * nothing else), type-checked against the exports only (Electron's real types included), and its
 * tests run under Node 24: sign-in, protected calls, INVALID_INPUT, a ChannelError,
 * `authorize()`, the channels through `setupIpc` with a fake `ipcMain`, a foreign frame refused,
 * NOT_AUTHENTICATED after sign-out. Dependencies come from npm's cache when it has them (`npm ci`
 * filled it), else from the registry.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docExamples, fencedBlocks } from './doc-examples';
import { ROOT } from '../helpers/paths';

const DOC = path.join(ROOT, 'docs', 'building-on-the-module.md');
const PACKAGE = '@justice-companion/sessions';

function run(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 240_000,
  });
  if (result.error) throw result.error;
  return result;
}

const output = (result: SpawnSyncReturns<string>): string => `${result.stdout}\n${result.stderr}`;

/** The version of `name` the repository itself installed, so the host gets the same. */
function installedVersion(name: string): string {
  const file = path.join(ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

describe('the docs page of the package', () => {
  it('names a file for every TypeScript and JSON example, so the consumer test runs them all', () => {
    const blocks = fencedBlocks(fs.readFileSync(DOC, 'utf8'));
    const unnamed = blocks.filter((b) => b.file === null && ['ts', 'json'].includes(b.lang));
    expect(unnamed).toEqual([]);
    const files = docExamples(fs.readFileSync(DOC, 'utf8')).map((e) => e.file);
    expect(new Set(files).size).toBe(files.length);
    expect(files).toEqual(
      expect.arrayContaining([
        'tsconfig.json',
        'src/main.ts',
        'src/preload.ts',
        'test/host.test.ts',
      ]),
    );
  });
});

describe('the package in a fresh host project', () => {
  let work = '';
  let host = '';
  let installed = '';

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-consumer-'));
    const packed = run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    expect(packed.status, output(packed)).toBe(0);
    const [pack] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{
      filename: string;
    }>;
    const filename = pack?.filename ?? '';
    expect(filename).toMatch(/\.tgz$/);
    const tarball = path.join(work, filename.replace(/^@[^/]+\//, '').replace('/', '-'));
    expect(fs.existsSync(tarball), tarball).toBe(true);

    host = path.join(work, 'host');
    fs.mkdirSync(host);
    const manifest = {
      name: 'host-app',
      private: true,
      type: 'module',
      dependencies: { [PACKAGE]: `file:${tarball}`, zod: installedVersion('zod') },
      devDependencies: {
        typescript: installedVersion('typescript'),
        '@types/node': installedVersion('@types/node'),
        electron: installedVersion('electron'),
      },
    };
    fs.writeFileSync(path.join(host, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    for (const example of docExamples(fs.readFileSync(DOC, 'utf8'))) {
      const file = path.join(host, example.file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, example.code);
    }
    // No install scripts: the native modules ship prebuilt, and Electron's binary is never needed.
    const install = run(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'],
      host,
      { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
    );
    expect(install.status, output(install)).toBe(0);
    installed = path.join(host, 'node_modules', ...PACKAGE.split('/'));
  }, 300_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('ships the built library, the migrations and the docs page, and no sources or tests', () => {
    const files = fs
      .readdirSync(installed, { recursive: true, encoding: 'utf8' })
      .map((f) => f.split(path.sep).join('/'));
    // The stub is package.json "main" (the repository's own Electron entry), which npm always packs.
    expect(fs.readdirSync(installed).sort()).toEqual([
      'README.md',
      'dist',
      'docs',
      'electron-app.cjs',
      'migrations',
      'package.json',
    ]);
    expect(files).toContain('dist/lib/src/core/index.js');
    expect(files).toContain('dist/lib/src/core/index.d.ts');
    expect(files).toContain('migrations/0001_users.sql');
    expect(files.filter((f) => /^(src|electron|test|scripts)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /\.test\.|\.spec\./.test(f))).toEqual([]);
    expect(files.filter((f) => /^dist\/(main|preload|renderer|preview)\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it('type-checks the host against the exports only (strict, nodenext, Electron types included)', () => {
    const tsc = run(
      process.execPath,
      [path.join(host, 'node_modules/typescript/bin/tsc'), '-p', '.'],
      host,
    );
    expect(tsc.status, output(tsc)).toBe(0);
  }, 120_000);

  it('runs the host under Node 24: every check of its test passes', () => {
    expect(process.versions.node.split('.')[0]).toBe('24');
    // Compiled by the type-check above (it emits dist/); run from a folder without migrations.
    expect(fs.existsSync(path.join(host, 'migrations'))).toBe(false);
    const tests = run(
      process.execPath,
      ['--test', '--test-reporter=tap', 'dist/test/host.test.js'],
      host,
    );
    const tap = output(tests);
    expect(tests.status, tap).toBe(0);
    expect(tap).toMatch(/^# pass 6$/m);
    expect(tap).toMatch(/^# fail 0$/m);
  }, 120_000);

  it('resolves every entry point from ES modules and CommonJS, and nothing else', () => {
    const probe = `
      const entries = ['core', 'contract', 'main', 'preload'];
      const esm = await Promise.all(entries.map((e) => import('${PACKAGE}/' + e)));
      const { createRequire } = await import('node:module');
      const require = createRequire(import.meta.url);
      const cjs = entries.map((e) => require('${PACKAGE}/' + e));
      const refused = [];
      for (const inside of ['${PACKAGE}', '${PACKAGE}/dist/lib/src/core/index.js', '${PACKAGE}/src/core/index.ts'])
        await import(inside).then(() => {}, (error) => refused.push(error.code));
      const { resolveMigrationsDir, ChannelError } = esm[0];
      console.log(JSON.stringify({
        esm: esm.map((m) => Object.keys(m).length > 0),
        sameClass: cjs[0].ChannelError === ChannelError,
        setupSessions: typeof esm[2].setupSessions,
        exposeAppChannels: typeof esm[3].exposeAppChannels,
        defineAppChannels: typeof esm[1].defineAppChannels,
        refused,
        migrations: resolveMigrationsDir(),
      }));`;
    const result = run(process.execPath, ['--input-type=module', '-e', probe], host);
    expect(result.status, output(result)).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      esm: [true, true, true, true],
      sameClass: true,
      setupSessions: 'function',
      exposeAppChannels: 'function',
      defineAppChannels: 'function',
      refused: Array(3).fill('ERR_PACKAGE_PATH_NOT_EXPORTED'),
      migrations: fs.realpathSync(path.join(installed, 'migrations')),
    });
  });
});
