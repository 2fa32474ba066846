import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { migrate } from '../../src/core/db/migrate';
import { openDatabase } from '../../src/core/db/open-database';
import { DATABASE_FILE_NAME } from '../../src/core/runtime';
import { SessionManager } from '../../src/core/sessions/session-manager';
import { boundFigure, ratioFigure, type Figure } from './figures';
import { benchDir, copyDatabase, MIGRATIONS_DIR, seedSessions, seedUsers } from './fixtures';
import { longestBlockDuring, median } from './measure';

/** 1,000,000 expired rows interleaved with 100,000 live ones, built once and copied per round. */
function buildCleanupFixture(
  expired: number,
  live: number,
): { dir: string; file: string; now: number } {
  const dir = benchDir('cleanup');
  const file = path.join(dir, DATABASE_FILE_NAME);
  const db = openDatabase(file);
  migrate(db, MIGRATIONS_DIR);
  const now = Date.now();
  seedUsers(db, 10_000, now);
  const every = (expired + live) / live;
  if (!Number.isInteger(every))
    throw new Error('cleanup fixture: expired + live must be a multiple of live');
  seedSessions(db, {
    count: expired + live,
    now,
    firstUserId: 1,
    users: 10_000,
    expiredEvery: every,
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { dir, file, now };
}

function count(file: string, now: number): { total: number; expired: number } {
  const db = openDatabase(file, { readonly: true });
  const total = db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
  const expired = db
    .prepare('SELECT count(*) FROM sessions WHERE idle_expires_at <= ?')
    .pluck()
    .get(now) as number;
  db.close();
  return { total, expired };
}

/**
 * `cleanupExpiredSessions` on 1M expired + 100k live rows against one bare
 * `DELETE FROM sessions WHERE expires_at < ?` on an identical copy, each on a fresh connection
 * opened like the app's. The longest synchronous block is what a `setImmediate` probe saw
 * between two of its turns while the cleanup ran (so it includes anything else that blocked).
 */
export async function cleanupFigures(options: {
  rounds: number;
  expired: number;
  live: number;
}): Promise<Figure[]> {
  const fixture = buildCleanupFixture(options.expired, options.live);
  const initial = count(fixture.file, fixture.now);
  if (initial.expired !== options.expired || initial.total !== options.expired + options.live)
    throw new Error(`cleanup fixture: ${JSON.stringify(initial)}`);
  const bare: number[] = [];
  const batched: number[] = [];
  const blocks: number[] = [];
  const steps: number[] = [];
  let stepsPerRun = 0;
  try {
    for (let r = 0; r < options.rounds; r += 1) {
      // Bare DELETE.
      {
        const copy = copyDatabase(fixture.file, 'bare');
        const db = openDatabase(copy.file);
        const del = db.prepare('DELETE FROM sessions WHERE expires_at < ?');
        const started = performance.now();
        const deleted = del.run(fixture.now).changes;
        bare.push(performance.now() - started);
        db.close();
        if (deleted !== options.expired) throw new Error(`bare DELETE removed ${deleted}`);
        fs.rmSync(copy.dir, { recursive: true, force: true });
      }
      // The real cleanup.
      {
        const copy = copyDatabase(fixture.file, 'batched');
        const db = openDatabase(copy.file);
        const sessions = new SessionManager({ db, clock: { now: () => fixture.now } });
        // Time each synchronous step too (the probe below sees the gaps between them).
        const step = sessions.cleanupStep.bind(sessions);
        let longestStep = 0;
        let stepCount = 0;
        const slowSteps: string[] = [];
        sessions.cleanupStep = (now: number, maxRows: number): number => {
          const started = performance.now();
          const deleted = step(now, maxRows);
          const elapsed = performance.now() - started;
          longestStep = Math.max(longestStep, elapsed);
          stepCount += 1;
          if (elapsed > 10)
            slowSteps.push(`#${stepCount} ${deleted} rows ${elapsed.toFixed(1)} ms`);
          return deleted;
        };
        const started = performance.now();
        const { result, longestBlockMs, gaps } = await longestBlockDuring(() =>
          sessions.cleanupExpiredSessions(),
        );
        if (process.env.BENCH_VERBOSE) {
          console.error(`[bench] slow steps: ${slowSteps.join(', ') || 'none'}`);
          console.error(
            `[bench] event-loop gaps > 10 ms (at ms, length): ${gaps.map(([at, ms]) => `${at}:${ms.toFixed(1)}`).join(' ') || 'none'}`,
          );
        }
        batched.push(performance.now() - started);
        blocks.push(longestBlockMs);
        steps.push(longestStep);
        stepsPerRun = stepCount;
        db.close();
        if (result !== options.expired) throw new Error(`cleanup removed ${result}`);
        const left = count(copy.file, fixture.now);
        if (left.total !== options.live || left.expired !== 0)
          throw new Error(`cleanup left ${JSON.stringify(left)}`);
        fs.rmSync(copy.dir, { recursive: true, force: true });
      }
    }
  } finally {
    fs.rmSync(fixture.dir, { recursive: true, force: true });
  }
  const bareMs = median(bare);
  const batchedMs = median(batched);
  const label = `${(options.expired / 1e6).toLocaleString('en-US')}M expired among ${(options.live / 1e3).toLocaleString('en-US')}k live`;
  return [
    ratioFigure({
      name: `cleanupExpiredSessions, ${label}`,
      value: batchedMs,
      unit: 'ms',
      rounds: batched,
      floor: { name: 'one bare DELETE … WHERE expires_at < ?', value: bareMs, unit: 'ms' },
      ratio: batchedMs / bareMs,
      ratioMeaning: 'cleanup / bare DELETE',
      max: 1.5,
      detail: `bare DELETE ${bareMs.toFixed(0)} ms; ${stepsPerRun} steps here, the rest in a worker thread`,
    }),
    boundFigure({
      name: 'cleanup: longest synchronous block',
      value: Math.max(...blocks),
      unit: 'ms',
      rounds: blocks,
      max: 16,
      detail: `longest single cleanupStep ${Math.max(...steps).toFixed(2)} ms (max over rounds)`,
    }),
  ];
}
