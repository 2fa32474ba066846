import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import * as asar from '@electron/asar';
import type * as Argon2 from '@node-rs/argon2';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../src/contract/channels';
import { PROFILE_CHANNEL_NAMES } from '../../../src/contract/profile-rules';
import { appMethodName } from '../../../src/contract/app-channels';
import { ROOT } from '../../helpers/paths';

/**
 * Packages the app offline, as `npm run dist` would for Linux, and inspects the result. There is
 * no Electron binary here, so electron-builder gets a stand-in distribution: an `electron` shell
 * script that carries Electron's fuse wire (the sentinel electron-builder's @electron/fuses looks
 * for, then Electron 45's default fuse states), so that the fuses in electron-builder.yml are
 * really flipped and can be read back. `--linux dir` only: AppImage and deb tools cannot be had.
 * electron-builder runs with its default settings (npmRebuild included): the native binaries in the
 * package must be byte for byte the ones these tests load, and the checkout's must stay untouched.
 */

const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** RunAsNode, CookieEncryption, NodeOptions, NodeCliInspect, AsarIntegrity, OnlyAsar, V8Snapshot, FileProtocol. */
const ELECTRON_DEFAULT_FUSES = '10110001';
const EXECUTABLE = 'justice-companion';

let work: string;
let app: string;
let standIn: string;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ...env },
    timeout: 110_000,
  });
  if (result.error) throw result.error;
  return result;
}

/** A project copy: what `npm run dist` sees, plus a decoy test file that must not be packaged. */
function copyProject(): void {
  fs.mkdirSync(app, { recursive: true });
  for (const entry of [
    'package.json',
    'electron-app.cjs',
    'package-lock.json',
    'electron-builder.yml',
    'tsconfig.json',
    'migrations',
    'electron',
    'src',
    'scripts',
  ]) {
    fs.cpSync(path.join(ROOT, entry), path.join(app, entry), { recursive: true });
  }
  // electron-builder lists production dependencies with `npm ls`, which misreads a symlinked
  // node_modules (it then drops optional platform packages such as argon2's binary). Hard links
  // are a real tree at no cost, and any in-place rewrite of a binary would show in the checkout.
  const linked = spawnSync('cp', ['-al', path.join(ROOT, 'node_modules'), app]);
  if (linked.status !== 0) {
    fs.cpSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  fs.mkdirSync(path.join(app, 'test'));
  fs.writeFileSync(path.join(app, 'test', 'decoy.test.ts'), 'export {};\n');
}

/** The stand-in Electron: records how it was launched, and carries a fuse wire. */
function makeStandInElectron(): void {
  fs.mkdirSync(standIn);
  const script = Buffer.concat([
    Buffer.from('#!/bin/sh\nprintf \'%s\\n\' "$PWD" "$@" > "$STANDIN_RECORD"\nexit 7\n# '),
    Buffer.from(FUSE_SENTINEL),
    Buffer.from([1, ELECTRON_DEFAULT_FUSES.length]),
    Buffer.from(`${ELECTRON_DEFAULT_FUSES}\n`),
  ]);
  fs.writeFileSync(path.join(standIn, 'electron'), script, { mode: 0o755 });
  const electron = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8'),
  ) as { version: string };
  fs.writeFileSync(path.join(standIn, 'version'), electron.version);
  fs.writeFileSync(path.join(standIn, 'LICENSE'), 'stand-in for the Electron license\n');
  fs.writeFileSync(path.join(standIn, 'LICENSES.chromium.html'), '<p>stand-in</p>\n');
}

/** The fuse states in an Electron binary, as a string of '0'/'1' (what @electron/fuses reads). */
function readFuses(binary: string): string {
  const bytes = fs.readFileSync(binary);
  const at = bytes.indexOf(FUSE_SENTINEL);
  expect(at).toBeGreaterThan(-1);
  const wire = at + FUSE_SENTINEL.length;
  expect(bytes[wire]).toBe(1);
  const length = bytes[wire + 1]!;
  return bytes.subarray(wire + 2, wire + 2 + length).toString('latin1');
}

const sha256 = (file: string): string =>
  crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/**
 * The native binaries this test process has loaded, from the dynamic loader's own map, as paths
 * relative to the checkout: what the test suite really runs, not what a path guess says.
 */
function loadedNativeBinaries(): string[] {
  const require = createRequire(import.meta.url);
  // Loaded with require so that this process maps the very files a test run maps.
  const Database = require('better-sqlite3') as typeof BetterSqlite3;
  new Database(':memory:').close();
  (require('@node-rs/argon2') as typeof Argon2).hashRawSync('x', {
    memoryCost: 8,
    timeCost: 1,
    salt: Buffer.alloc(16),
  });
  const maps = fs.readFileSync('/proc/self/maps', 'utf8');
  const modules = fs.realpathSync(path.join(ROOT, 'node_modules'));
  const files = new Set(
    maps
      .split('\n')
      .map((line) => line.slice(line.indexOf('/')))
      .filter((file) => file.startsWith(`${modules}/`) && file.endsWith('.node')),
  );
  return [...files].map((file) => path.relative(ROOT, file).split(path.sep).join('/')).sort();
}

describe.skipIf(process.platform !== 'linux')('packaging', () => {
  let tested: Map<string, string>;

  beforeAll(() => {
    tested = new Map(loadedNativeBinaries().map((file) => [file, sha256(path.join(ROOT, file))]));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-package-'));
    app = path.join(work, 'app');
    standIn = path.join(work, 'electron-dist');
    copyProject();
    makeStandInElectron();
    // What `npm run dist` builds: the app's bundles (the package's library is not part of it).
    const built = run(process.execPath, ['scripts/build.mjs', '--app'], app);
    expect(built.status, built.stderr).toBe(0);
    // The renderer is optional for this test: a stand-in when the project has none yet.
    const renderer = path.join(app, 'dist', 'renderer');
    if (!fs.existsSync(path.join(renderer, 'index.html'))) {
      fs.mkdirSync(renderer, { recursive: true });
      fs.writeFileSync(
        path.join(renderer, 'index.html'),
        '<!doctype html><title>stand-in</title>\n',
      );
    }
  }, 120_000);

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('npm start builds, then launches Electron on the project', () => {
    const record = path.join(work, 'launch.txt');
    const result = run(process.execPath, ['scripts/start.mjs'], app, {
      ELECTRON_OVERRIDE_DIST_PATH: standIn,
      STANDIN_RECORD: record,
    });
    expect(result.status, result.stderr).toBe(7);
    expect(fs.readFileSync(record, 'utf8').trim().split('\n')).toEqual([fs.realpathSync(app), '.']);
    expect(fs.existsSync(path.join(app, 'dist', 'main', 'index.cjs'))).toBe(true);
  }, 120_000);

  describe('electron-builder --linux dir', () => {
    let unpacked: string;
    let archive: string;
    let files: string[];

    beforeAll(() => {
      const cli = path.join(ROOT, 'node_modules', 'electron-builder', 'cli.js');
      const output = path.join(work, 'release');
      const result = run(
        process.execPath,
        [
          cli,
          '--linux',
          'dir',
          '--publish',
          'never',
          '--config',
          'electron-builder.yml',
          `-c.electronDist=${standIn}`,
          `-c.directories.output=${output}`,
        ],
        app,
      );
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      unpacked = path.join(output, 'linux-unpacked');
      archive = path.join(unpacked, 'resources', 'app.asar');
      files = asar.listPackage(archive, { isPack: false }).map((f) => f.split(path.sep).join('/'));
    }, 120_000);

    it('packs main, preload and renderer into app.asar', () => {
      for (const file of [
        '/package.json',
        '/dist/main/index.cjs',
        '/dist/preload/index.cjs',
        '/dist/renderer/index.html',
      ]) {
        expect(files).toContain(file);
      }
      const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString()) as {
        main: string;
        scripts?: unknown;
      };
      expect(files).toContain(`/${manifest.main}`);
    });

    it('packs no tests, no TypeScript, no source maps, no sources and no dev dependencies', () => {
      const offenders = files.filter(
        (f) =>
          /\.(ts|tsx|mts|cts|map)$/.test(f) ||
          /\.(test|spec)\.[cm]?[jt]s$/.test(f) ||
          /^\/(test|src|electron|scripts|migrations|release|dist\/preview)(\/|$)/.test(f) ||
          /^\/(tsconfig\.json|electron-builder\.yml|package-lock\.json)$/.test(f),
      );
      expect(offenders).toEqual([]);
      for (const dev of [
        'electron',
        'electron-builder',
        'vitest',
        'typescript',
        'esbuild',
        '@electron/asar',
        'playwright',
      ]) {
        expect(files).not.toContain(`/node_modules/${dev}`);
      }
    });

    it('packs every module the main bundle requires', () => {
      const main = asar.extractFile(archive, 'dist/main/index.cjs').toString();
      const required = [...main.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]!);
      const external = [...new Set(required)].filter(
        (id) => id !== 'electron' && !id.startsWith('node:') && !builtinModules.includes(id),
      );
      expect(external.sort()).toEqual(['@node-rs/argon2', 'better-sqlite3', 'electron-log/main']);
      for (const id of external) {
        const name = id.startsWith('@') ? id.split('/').slice(0, 2).join('/') : id.split('/')[0]!;
        expect(files).toContain(`/node_modules/${name}/package.json`);
      }
    });

    it('keeps the preload one sandbox-safe file that exposes exactly window.auth and window.app', () => {
      const code = asar.extractFile(archive, 'dist/preload/index.cjs').toString();
      const world: Record<string, unknown> = {};
      const requireInSandbox = (id: string): unknown => {
        if (id !== 'electron') throw new Error(`a sandboxed preload cannot require ${id}`);
        return {
          contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (world[key] = api) },
          ipcRenderer: { invoke: async () => null, on: () => {}, removeListener: () => {} },
        };
      };
      const module = { exports: {} };
      vm.runInNewContext(code, { require: requireInSandbox, module, exports: module.exports });
      expect(Object.keys(world)).toEqual(['auth', 'app']);
      expect(Object.keys(world.auth as object).sort()).toEqual(
        [...Object.keys(API_METHODS), 'onStateChanged'].sort(),
      );
      expect(Object.keys(world.app as object).sort()).toEqual(
        PROFILE_CHANNEL_NAMES.map(appMethodName).sort(),
      );
    });

    it('puts the migrations in resources, outside the archive', () => {
      const expected = fs
        .readdirSync(path.join(ROOT, 'migrations'))
        .filter((f) => f.endsWith('.sql'))
        .sort();
      expect(expected.length).toBeGreaterThan(0);
      expect(fs.readdirSync(path.join(unpacked, 'resources', 'migrations')).sort()).toEqual(
        expected,
      );
    });

    it('ships the very native binaries the tests loaded, unpacked and byte-identical', () => {
      expect([...tested.keys()]).toEqual([
        'node_modules/@node-rs/argon2-linux-x64-gnu/argon2.linux-x64-gnu.node',
        'node_modules/better-sqlite3/prebuilds/linux-x64.node',
      ]);
      for (const [file, hash] of tested) {
        const shipped = path.join(unpacked, 'resources', 'app.asar.unpacked', file);
        expect(sha256(shipped), file).toBe(hash);
        expect(asar.statFile(archive, file)).toMatchObject({ unpacked: true });
        // Packaging rebuilt nothing in place: the checkout still holds what the tests loaded.
        expect(sha256(path.join(ROOT, file)), file).toBe(hash);
      }
      const nativeInArchive = files
        .filter((f) => f.endsWith('.node'))
        .filter((f) => !('unpacked' in asar.statFile(archive, f.slice(1))));
      expect(nativeInArchive).toEqual([]);
      expect(files.filter((f) => /better-sqlite3\/(deps|src|build)\//.test(f))).toEqual([]);
      // Only Linux's prebuilt SQLite binaries go into a Linux package.
      expect(
        files
          .filter((f) => f.includes('/better-sqlite3/prebuilds/'))
          .map((f) => path.basename(f))
          .sort(),
      ).toEqual([
        'linux-arm64.node',
        'linux-x64.node',
        'linuxmusl-arm64.node',
        'linuxmusl-x64.node',
      ]);
    });

    it('flips the fuses: no run-as-node, NODE_OPTIONS or --inspect; asar only, integrity checked', () => {
      const fuses = readFuses(path.join(unpacked, EXECUTABLE));
      expect({
        runAsNode: fuses[0],
        enableNodeOptionsEnvironmentVariable: fuses[2],
        enableNodeCliInspectArguments: fuses[3],
        enableEmbeddedAsarIntegrityValidation: fuses[4],
        onlyLoadAppFromAsar: fuses[5],
        grantFileProtocolExtraPrivileges: fuses[7],
      }).toEqual({
        runAsNode: '0',
        enableNodeOptionsEnvironmentVariable: '0',
        enableNodeCliInspectArguments: '0',
        enableEmbeddedAsarIntegrityValidation: '1',
        onlyLoadAppFromAsar: '1',
        grantFileProtocolExtraPrivileges: '0',
      });
    });
  });
});
