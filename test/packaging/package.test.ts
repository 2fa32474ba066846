import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import * as asar from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../src/shared/channels';

/**
 * Packages the app offline, as `npm run dist` would for Linux, and inspects the result. There is
 * no Electron binary here, so electron-builder gets a stand-in distribution: an `electron` shell
 * script that carries Electron's fuse wire (the sentinel electron-builder's @electron/fuses looks
 * for, then Electron 45's default fuse states), so that the fuses in electron-builder.yml are
 * really flipped and can be read back. `--linux dir` only: AppImage and deb tools cannot be had.
 */

const ROOT = path.resolve(__dirname, '../..');
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
    'electron-builder.yml',
    'tsconfig.json',
    'migrations',
    'electron',
    'src',
    'scripts',
  ]) {
    fs.cpSync(path.join(ROOT, entry), path.join(app, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'), 'dir');
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
  fs.writeFileSync(path.join(standIn, 'version'), '45.4.1');
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

describe.skipIf(process.platform !== 'linux')('packaging', () => {
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-package-'));
    app = path.join(work, 'app');
    standIn = path.join(work, 'electron-dist');
    copyProject();
    makeStandInElectron();
    const built = run(process.execPath, ['scripts/build.mjs'], app);
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
          '-c.npmRebuild=false',
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

    it('keeps the preload one sandbox-safe file that exposes exactly window.auth', () => {
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
      expect(Object.keys(world)).toEqual(['auth']);
      expect(Object.keys(world.auth as object).sort()).toEqual(
        [...Object.keys(API_METHODS), 'onStateChanged'].sort(),
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

    it('unpacks the native modules next to the archive', () => {
      const sqlite = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
      expect(fs.existsSync(path.join(unpacked, 'resources', 'app.asar.unpacked', sqlite))).toBe(
        true,
      );
      expect(asar.statFile(archive, sqlite)).toMatchObject({ unpacked: true });
      const nativeInArchive = files
        .filter((f) => f.endsWith('.node'))
        .filter((f) => !('unpacked' in asar.statFile(archive, f.slice(1))));
      expect(nativeInArchive).toEqual([]);
      expect(files.filter((f) => /better-sqlite3\/(deps|src)\//.test(f))).toEqual([]);
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
