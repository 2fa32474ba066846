/**
 * Drill: disk trouble. A full disk while the app runs, and a read-only data directory at start:
 * a clear error, the previous session state kept (still signed in, session.enc untouched,
 * nothing half-done), and every audit row acknowledged before the trouble still there and
 * verifying afterwards.
 *
 * On Linux as root the disk is a real tiny tmpfs, filled for real and remounted read-only for
 * real. Where mounting is impossible the same drill runs with injected failures: every SQLite
 * connection opened on the data directory is switched to `query_only` and file writes there
 * throw ENOSPC / EROFS. The drill prints which mode it ran in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/core/db/open-database';
import { openDatabase } from '../../src/core/db/open-database';
import { createSessionRuntime, type SessionRuntime } from '../../src/core/runtime';
import type { AuthState } from '../../src/contract/contract';
import { ManualClock } from '../helpers/clock';
import { MIGRATIONS_DIR } from '../helpers/db';
import { PASSWORD, TEST_ARGON2, TestProfile } from '../helpers/runtime';
import { tempDir } from '../helpers/temp-dir';
import { cli } from '../helpers/cli';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { integrityCheck } from '../helpers/drill-helpers';
import { SmallDisk } from '../helpers/small-disk';

/** Injected trouble (used only when no tmpfs can be mounted). */
const injected = vi.hoisted(() => ({
  dir: '',
  trouble: null as null | 'full' | 'read-only',
  connections: new Set<{ open: boolean; pragma(source: string): unknown }>(),
}));

vi.mock(import('../../src/core/db/open-database'), async (importOriginal) => {
  const original = await importOriginal();
  return {
    ...original,
    openDatabase: (file: string, options?: Parameters<typeof original.openDatabase>[1]) => {
      const db = original.openDatabase(file, options);
      if (injected.dir !== '' && file.startsWith(injected.dir)) {
        injected.connections.add(
          db as unknown as { open: boolean; pragma(source: string): unknown },
        );
        if (injected.trouble) db.pragma('query_only = ON');
      }
      return db;
    },
  };
});

const lines: string[] = [];
let disk: SmallDisk | null = null;
/** Undoes whatever trouble a test made, even when it fails half-way. */
const undo: Array<() => void> = [];
const runtimes: SessionRuntime[] = [];

beforeAll(() => {
  // DRILL_NO_TMPFS=1 runs the injected variant even where a tmpfs could be mounted.
  disk = process.env.DRILL_NO_TMPFS === '1' ? null : SmallDisk.create(16);
});
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close().catch(() => {});
  for (const step of undo.splice(0)) {
    try {
      step();
    } catch {
      // already undone
    }
  }
  setInjected(null);
  vi.restoreAllMocks();
});
afterAll(() => {
  disk?.dispose();
  for (const line of lines) console.log(line);
});

function setInjected(trouble: null | 'full' | 'read-only'): void {
  injected.trouble = trouble;
  for (const db of injected.connections) {
    if (db.open) db.pragma(`query_only = ${trouble ? 'ON' : 'OFF'}`);
    else injected.connections.delete(db);
  }
}

/** Makes file writes under `dir` fail the way a full or read-only file system does. */
function injectFileFailures(dir: string, trouble: 'full' | 'read-only'): void {
  const code = trouble === 'full' ? 'ENOSPC' : 'EROFS';
  const fail = (): never => {
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  const inside = (p: unknown): boolean => typeof p === 'string' && p.startsWith(dir);
  const openSync = fs.openSync;
  vi.spyOn(fs, 'openSync').mockImplementation(((
    p: fs.PathLike,
    flags?: fs.OpenMode,
    mode?: fs.Mode,
  ) =>
    inside(p) && typeof flags === 'string' && /[wa+]/.test(flags)
      ? fail()
      : openSync(p, flags ?? 'r', mode)) as typeof fs.openSync);
  if (trouble === 'read-only') {
    const accessSync = fs.accessSync;
    vi.spyOn(fs, 'accessSync').mockImplementation(((p: fs.PathLike, m?: number) =>
      inside(p) && m !== undefined && (m & fs.constants.W_OK) !== 0
        ? fail()
        : accessSync(p, m)) as typeof fs.accessSync);
  }
  const open = fs.promises.open;
  vi.spyOn(fs.promises, 'open').mockImplementation(((
    p: fs.PathLike,
    flags?: string | number,
    mode?: fs.Mode,
  ) =>
    inside(p) && typeof flags === 'string' && /[wa+]/.test(flags)
      ? Promise.reject(Object.assign(new Error(`${code}: injected`), { code }))
      : open(p, flags, mode)) as typeof fs.promises.open);
  const renameSync = fs.renameSync;
  vi.spyOn(fs, 'renameSync').mockImplementation(((a: fs.PathLike, b: fs.PathLike) =>
    inside(b) ? fail() : renameSync(a, b)) as typeof fs.renameSync);
  if (trouble === 'read-only') {
    const rmSync = fs.rmSync;
    vi.spyOn(fs, 'rmSync').mockImplementation(((p: fs.PathLike, o?: fs.RmOptions) =>
      inside(p) ? fail() : rmSync(p, o)) as typeof fs.rmSync);
  }
}

/** A data directory where trouble can be made, and the switches that make it. */
function troubledDir(name: string): {
  dir: string;
  mode: string;
  fill(): void;
  free(): void;
  readOnly(): void;
  readWrite(): void;
} {
  if (disk) {
    const d = disk;
    undo.push(
      () => d.free(),
      () => d.readWrite(),
    );
    return {
      dir: d.dir(name),
      mode: 'a real 16 MiB tmpfs',
      fill: () => void d.fill(),
      free: () => d.free(),
      readOnly: () => d.readOnly(),
      readWrite: () => d.readWrite(),
    };
  }
  const dir = tempDir('jc-disk-');
  injected.dir = dir;
  return {
    dir,
    mode: 'injected failures (no tmpfs could be mounted here)',
    fill: () => {
      setInjected('full');
      injectFileFailures(dir, 'full');
    },
    free: () => {
      setInjected(null);
      vi.restoreAllMocks();
    },
    readOnly: () => {
      setInjected('read-only');
      injectFileFailures(dir, 'read-only');
    },
    readWrite: () => {
      setInjected(null);
      vi.restoreAllMocks();
    },
  };
}

function newestSeq(dir: string): number {
  const db = openDatabase(path.join(dir, 'sessions.db'), { readonly: true });
  try {
    return db.prepare('SELECT max(seq) FROM audit_log').pluck().get() as number;
  } finally {
    db.close();
  }
}

function auditRows(dir: string): string {
  const db: Db = openDatabase(path.join(dir, 'sessions.db'), { readonly: true });
  try {
    return JSON.stringify(db.prepare('SELECT * FROM audit_log ORDER BY seq').raw().all());
  } finally {
    db.close();
  }
}

async function start(profile: TestProfile): Promise<SessionRuntime> {
  const runtime = await createSessionRuntime({
    dataDir: profile.dir,
    secretStore: profile.store,
    clock: profile.clock,
    logger: profile.logger,
    migrationsDir: MIGRATIONS_DIR,
    device: 'disk drill',
    config: { argon2: TEST_ARGON2, externalChangePollMs: 3_600_000 },
  });
  runtimes.push(runtime);
  return runtime;
}

function sessionIdOf(state: AuthState): string | null {
  return state.authenticated ? state.session.id : null;
}

const CLEAR = /disk is full|read-only|could not be saved/i;

/** A profile in a troubled data directory, with ada registered (remembered) before any trouble. */
async function adaIn(name: string) {
  const where = troubledDir(name);
  const profile = new TestProfile({
    dir: where.dir,
    clock: new ManualClock(),
    store: new FakeSecretStore(),
  });
  const runtime = await start(profile);
  await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD, rememberMe: true });
  return { where, profile, runtime };
}

describe('drill: disk trouble', () => {
  it('a full disk while signed in: clear errors, the session state kept, no acknowledged audit row lost', async () => {
    const ada = await adaIn('full');
    const { where, profile } = ada;
    let { runtime } = ada;
    await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD, rememberMe: true });
    const before = runtime.getState();
    const sessionId = sessionIdOf(before);
    expect(sessionId).not.toBeNull();
    const acknowledged = newestSeq(where.dir);
    const rowsBefore = auditRows(where.dir);
    const sessionFile = fs.readFileSync(path.join(where.dir, 'session.enc'));

    where.fill();
    profile.clock.advance(2 * 60_000); // validation now wants to record activity
    const tried: string[] = [];
    const attempt = async (channel: string, payload: unknown): Promise<void> => {
      const result = await runtime.invoke(channel, payload);
      tried.push(
        `${channel}: ${result.ok ? 'ok' : `${result.error.code} "${result.error.message}"`}`,
      );
      if (!result.ok) expect(result.error.message, channel).toMatch(CLEAR);
      // Whatever happened, the user is still signed in with the same session.
      expect(sessionIdOf(runtime.getState()), `${channel} kept the session`).toBe(sessionId);
    };
    const validate = await runtime.invoke('auth:validate', {});
    expect(validate).toMatchObject({
      ok: true,
      value: { authenticated: true, session: { id: sessionId } },
    });
    tried.push('auth:validate: ok');
    const login = await runtime.invoke('auth:login', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    expect(login).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringMatching(CLEAR) },
    });
    tried.push(`auth:login: ${login.ok ? 'ok' : login.error.message}`);
    expect(sessionIdOf(runtime.getState())).toBe(sessionId);
    await attempt('auth:change-password', {
      currentPassword: PASSWORD,
      newPassword: 'another long passphrase',
    });
    await attempt('auth:logout', {});
    await attempt('auth:sessions', {});
    await runtime.runCleanup();
    expect(fs.readFileSync(path.join(where.dir, 'session.enc')).equals(sessionFile)).toBe(true);

    where.free();
    expect(await runtime.invoke('auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: true, session: { id: sessionId } },
    });
    await runtime.close();
    runtime = await start(profile);
    expect(sessionIdOf(runtime.getState())).toBe(sessionId);
    // The password change failed, so the old password still works.
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({ ok: true });
    expect(await runtime.audit.verify()).toMatchObject({ ok: true });
    expect(auditRows(where.dir).startsWith(rowsBefore.slice(0, -1))).toBe(true);
    expect(newestSeq(where.dir)).toBeGreaterThanOrEqual(acknowledged);
    await runtime.close();
    expect(integrityCheck(where.dir)).toBe('ok');
    lines.push(
      `disk full (${where.mode}): ${tried.join('; ')}; after freeing space: same session restored, ${acknowledged} acknowledged audit rows intact, chain ok, integrity ok`,
    );
  });

  it('a read-only data directory at start: a clear error, nothing lost, the session restores once writable', async () => {
    const ada = await adaIn('read-only');
    const { where, profile } = ada;
    let { runtime } = ada;
    const sessionId = sessionIdOf(runtime.getState());
    await runtime.close();
    runtimes.length = 0;
    const acknowledged = newestSeq(where.dir);
    // SQLite's own -wal/-shm come and go with connections; everything else must stay as it was.
    const ours = (): Array<[string, string]> =>
      fs
        .readdirSync(where.dir)
        .filter((name) => !/-(wal|shm)$/.test(name))
        .sort()
        .map((name) => [name, fs.readFileSync(path.join(where.dir, name)).toString('base64')]);
    const files = ours();

    where.readOnly();
    profile.clock.advance(2 * 60_000);
    const error = await start(profile).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error).not.toBeNull();
    expect(error!.code).toBe('DISK_READ_ONLY');
    expect(error!.message).toContain(where.dir);
    expect(error!.message).toMatch(/read-only/);
    const stats = await cli(['stats', '--data-dir', where.dir], { migrationsDir: MIGRATIONS_DIR });
    const revoke = await cli(['revoke', sessionId!, '--data-dir', where.dir], {
      migrationsDir: MIGRATIONS_DIR,
    });
    expect(revoke.code).toBe(3);
    expect(revoke.stderr).toMatch(/Cannot open|read-only|Database problem|File system problem/);
    expect(ours()).toEqual(files);

    where.readWrite();
    runtime = await start(profile);
    expect(sessionIdOf(runtime.getState())).toBe(sessionId);
    expect(await runtime.audit.verify()).toMatchObject({ ok: true });
    expect(newestSeq(where.dir)).toBeGreaterThanOrEqual(acknowledged);
    await runtime.close();
    expect(integrityCheck(where.dir)).toBe('ok');
    lines.push(
      `read-only data dir (${where.mode}): start refused with ${error!.code} ("${error!.message.slice(0, 90)}…"); CLI stats exit ${stats.code}, revoke exit ${revoke.code}; once writable the same session restored, ${acknowledged} audit rows intact`,
    );
  });
});
