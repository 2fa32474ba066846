import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openDatabase } from '../../src/core/db/open-database';
import { DATA_FILES } from '../../src/core/persistence/data-files';
import { createSessionRuntime } from '../../src/core/runtime';
import { SessionManager } from '../../src/core/sessions/session-manager';
import type { BatchRunner } from '../../src/core/sessions/session-types';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { boundFigure, ratioFigure, type Figure } from './figures';
import { benchDir, MIGRATIONS_DIR, seedSessions, seedUsers, signedInProfile } from './fixtures';
import { longestBlockDuring, median } from './measure';

const BARE_DELETE = 'DELETE FROM sessions WHERE idle_expires_at <= ?';

interface CleanupFixture {
  dir: string;
  file: string;
  now: number;
  /** The key of the profile's secret store: a runtime on a copy restores its signed-in user. */
  key: Buffer;
}

/**
 * A signed-in profile (a remembered session in `session.enc`) whose database also holds
 * `expired` long-expired sessions interleaved with `live` live ones; built once, copied per run.
 */
async function buildFixture(expired: number, live: number): Promise<CleanupFixture> {
  const { dir, key, file, db } = await signedInProfile(
    'cleanup',
    'bench-user',
    crypto.randomBytes(18).toString('base64url'),
  );
  const now = Date.now();
  seedUsers(db, 10_000, now);
  const every = (expired + live) / live;
  if (!Number.isInteger(every))
    throw new Error('cleanup fixture: expired + live must be a multiple of live');
  seedSessions(db, {
    count: expired + live,
    now,
    firstUserId: 2,
    users: 10_000,
    expiredEvery: every,
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { dir, file, now, key };
}

/** Copies the whole (closed, checkpointed) profile and flushes it, so no write-back lands mid-run. */
function copyProfile(fixture: CleanupFixture): { dir: string; file: string } {
  const dir = benchDir('cleanup-copy');
  fs.cpSync(fixture.dir, dir, { recursive: true });
  const file = path.join(dir, DATA_FILES.database);
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return { dir, file };
}

function counts(file: string, now: number): { total: number; expired: number } {
  const db = openDatabase(file, { readonly: true });
  try {
    return {
      total: db.prepare('SELECT count(*) FROM sessions').pluck().get() as number,
      expired: db
        .prepare(`SELECT count(*) FROM sessions WHERE idle_expires_at <= ?`)
        .pluck()
        .get(now) as number,
    };
  } finally {
    db.close();
  }
}

/** One bare DELETE of every expired row on a fresh copy: the floor. */
function bareDelete(fixture: CleanupFixture, expected: number): number {
  const copy = copyProfile(fixture);
  try {
    const db = openDatabase(copy.file);
    const started = performance.now();
    const deleted = db.prepare(BARE_DELETE).run(fixture.now).changes;
    const ms = performance.now() - started;
    db.close();
    if (deleted !== expected) throw new Error(`bare DELETE removed ${deleted}`);
    return ms;
  } finally {
    fs.rmSync(copy.dir, { recursive: true, force: true });
  }
}

/** `cleanupExpiredSessions` on a fresh copy, with an event-loop probe and every batch timed. */
async function managerCleanup(fixture: CleanupFixture, expected: number, live: number) {
  const copy = copyProfile(fixture);
  try {
    const db = openDatabase(copy.file);
    const sessions = new SessionManager({ db, clock: { now: () => fixture.now } });
    const batches = { deletes: 0, checkpoints: 0, longestMs: 0 };
    const runBatch: BatchRunner = async (batch) => {
      const started = performance.now();
      const result = batch();
      batches.longestMs = Math.max(batches.longestMs, performance.now() - started);
      if (result === undefined) batches.checkpoints += 1;
      else batches.deletes += 1;
      return result;
    };
    const started = performance.now();
    const { result, longestBlockMs, gaps } = await longestBlockDuring(() =>
      sessions.cleanupExpiredSessions({ runBatch }),
    );
    const ms = performance.now() - started;
    db.close();
    if (process.env.BENCH_VERBOSE)
      console.error(
        `[bench] event-loop gaps > 10 ms (at ms, length): ${gaps.map(([at, len]) => `${at}:${len.toFixed(1)}`).join(' ') || 'none'}`,
      );
    if (result !== expected) throw new Error(`cleanup removed ${result}`);
    const left = counts(copy.file, fixture.now);
    if (left.total !== live + 1 || left.expired !== 0)
      throw new Error(`cleanup left ${JSON.stringify(left)}`);
    return { ms, longestBlockMs, batches };
  } finally {
    fs.rmSync(copy.dir, { recursive: true, force: true });
  }
}

/** Requests per millisecond the bench's "renderer" sends while the app cleans up. */
const REQUESTS_PER_MS = 1;

/**
 * The app on a fresh copy: its cleanup runs through `createSessionRuntime(...).runCleanup()`
 * while `invoke('auth:validate', {})` arrives continuously, at a steady rate as a renderer would
 * send it. A request's latency counts from when it was due to arrive, not from when the busy
 * main thread got round to sending it: a block delays every request due during it, and the
 * figure must show that.
 */
async function validateDuringCleanup(fixture: CleanupFixture, expected: number) {
  const copy = copyProfile(fixture);
  try {
    const runtime = await createSessionRuntime({
      dataDir: copy.dir,
      secretStore: new FakeSecretStore(fixture.key),
      migrationsDir: MIGRATIONS_DIR,
      device: 'bench-host (linux)',
    });
    const latencies: number[] = [];
    let failure: Error | null = null;
    let cleaning = true;
    const validate = (due: number): void => {
      void runtime.invoke('auth:validate', {}).then((answer) => {
        latencies.push(performance.now() - due);
        if (!answer.ok || !(answer.value as { authenticated: boolean }).authenticated)
          failure ??= new Error('cleanup bench: the runtime lost its session');
      });
    };
    const started = performance.now();
    let sent = 0;
    const client = (async () => {
      for (; cleaning; await nextTurn()) {
        const dueNow = Math.floor((performance.now() - started) * REQUESTS_PER_MS);
        for (; sent < dueNow; sent += 1) validate(started + sent / REQUESTS_PER_MS);
      }
    })();
    const { result, longestBlockMs, gaps } = await longestBlockDuring(() => runtime.runCleanup());
    if (process.env.BENCH_VERBOSE)
      console.error(
        `[bench] app run: event-loop gaps > 10 ms (at ms, length): ${gaps.map(([at, len]) => `${at}:${len.toFixed(1)}`).join(' ') || 'none'}`,
      );
    const ms = performance.now() - started;
    cleaning = false;
    await client;
    while (latencies.length < sent) await nextTurn();
    await runtime.close();
    if (failure) throw failure;
    // The startup cleanup may have begun first; runCleanup() joined it: one cleanup in all.
    if (result !== expected) throw new Error(`runtime cleanup removed ${result}`);
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (q: number): number =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return {
      p99: at(0.99),
      p50: at(0.5),
      max: sorted.at(-1)!,
      samples: sorted.length,
      ms,
      longestBlockMs,
    };
  } finally {
    fs.rmSync(copy.dir, { recursive: true, force: true });
  }
}

/**
 * `cleanupExpiredSessions` on `expired` expired + `live` live rows against one bare DELETE of
 * the same rows on an identical copy, each on a fresh connection opened like the app's; the
 * longest synchronous block a `setImmediate` probe saw meanwhile; and `auth:validate` latency
 * while the app runs the same cleanup through its request queue.
 */
export async function cleanupFigures(options: {
  rounds: number;
  expired: number;
  live: number;
}): Promise<Figure[]> {
  const fixture = await buildFixture(options.expired, options.live);
  const expected = options.expired;
  const initial = counts(fixture.file, fixture.now);
  if (initial.expired !== expected || initial.total !== expected + options.live + 1)
    throw new Error(`cleanup fixture: ${JSON.stringify(initial)}`);
  const bare: number[] = [];
  const cleanup: number[] = [];
  const blocks: number[] = [];
  const longestBatch: number[] = [];
  let batches = { deletes: 0, checkpoints: 0, longestMs: 0 };
  let app: Awaited<ReturnType<typeof validateDuringCleanup>>;
  try {
    for (let r = 0; r < options.rounds; r += 1) {
      bare.push(bareDelete(fixture, expected));
      const run = await managerCleanup(fixture, expected, options.live);
      cleanup.push(run.ms);
      blocks.push(run.longestBlockMs);
      longestBatch.push(run.batches.longestMs);
      batches = run.batches;
    }
    app = await validateDuringCleanup(fixture, expected);
  } finally {
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  }
  const bareMs = median(bare);
  const cleanupMs = median(cleanup);
  const label = `${(options.expired / 1e6).toLocaleString('en-US')}M expired among ${(options.live / 1e3).toLocaleString('en-US')}k live`;
  return [
    ratioFigure({
      name: `cleanupExpiredSessions, ${label}`,
      value: cleanupMs,
      unit: 'ms',
      rounds: cleanup,
      floor: { name: `one bare ${BARE_DELETE}`, value: bareMs, unit: 'ms' },
      ratio: cleanupMs / bareMs,
      ratioMeaning: 'cleanup / bare DELETE',
      max: 3,
      detail: `bare DELETE ${bareMs.toFixed(0)} ms; last round ${batches.deletes} delete batches + ${batches.checkpoints} checkpoint batches`,
    }),
    boundFigure({
      name: 'cleanup: longest synchronous block',
      value: Math.max(...blocks),
      unit: 'ms',
      rounds: blocks,
      max: 16,
      detail: `longest single batch ${Math.max(...longestBatch).toFixed(2)} ms (max over rounds)`,
    }),
    boundFigure({
      name: `auth:validate p99 during the app's cleanup (${label})`,
      value: app.p99,
      unit: 'ms',
      max: 20,
      detail: `${app.samples.toLocaleString('en-US')} requests, p50 ${app.p50.toFixed(2)} ms, max ${app.max.toFixed(1)} ms; cleanup ${(app.ms / 1000).toFixed(1)} s, longest block ${app.longestBlockMs.toFixed(1)} ms`,
    }),
  ];
}
