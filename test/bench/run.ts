/**
 * `npm run bench`: the performance targets, measured as medians of
 * several rounds, each ratio against a floor measured in this same process and run. Prints a
 * table, writes `bench-results.json` at the repository root, and exits non-zero when any target
 * fails. Not a vitest file: timing never decides a unit test.
 *
 * Environment: BENCH_QUICK=1 shrinks every fixture and round count (for a smoke run only; its
 * figures mean nothing); BENCH_ONLY=<section,…> runs some sections only (startup, validate,
 * crud, event-loop, size, cleanup, legacy-import). Either makes the run partial, and says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { cleanupFigures } from './cleanup-bench';
import { crudFigures } from './crud-bench';
import { eventLoopFigures } from './event-loop-bench';
import { infoFigure, type Figure } from './figures';
import { legacyImportFigures } from './legacy-bench';
import { buildMainFixture } from './main-fixture';
import { fmt } from './measure';
import { startupFigures } from './startup-bench';
import { validateFigures } from './validate-bench';
import { ROOT } from '../helpers/paths';

const QUICK = process.env.BENCH_QUICK === '1';
/** BENCH_ONLY=cleanup,startup runs only those sections (for working on one figure). */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
const wanted = (section: string): boolean => ONLY.length === 0 || ONLY.includes(section);

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.name,
    `${fmt(f.value, f.unit === 'µs' ? 2 : f.unit === 'ms' ? 2 : 1)} ${f.unit}`,
    f.floor ? `${fmt(f.floor.value, 2)} ${f.floor.unit}` : '',
    f.ratio !== undefined ? `${fmt(f.ratio, 2)}` : '',
    f.target ?? '',
    f.pass === undefined ? '' : f.pass ? 'PASS' : 'FAIL',
    f.detail ?? '',
  ]);
  const header = ['figure', 'median', 'floor', 'ratio', 'target', 'result', 'notes'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<number> {
  const started = performance.now();
  const figures: Figure[] = [];
  const cleanup: string[] = [];
  try {
    const main = ['startup', 'validate', 'crud', 'event-loop', 'size'].some(wanted);
    const fixture = main
      ? (log(`building the main fixture${QUICK ? ' (quick)' : ''}…`),
        await buildMainFixture(QUICK ? { users: 1000, sessions: 10_000 } : {}))
      : null;
    if (fixture) cleanup.push(fixture.dir);

    if (fixture && wanted('startup')) {
      log('startup restore…');
      figures.push(...(await startupFigures(fixture, { rounds: QUICK ? 3 : 9 })));
    }
    if (fixture && wanted('validate')) {
      log('validateSession / invoke…');
      figures.push(
        ...(await validateFigures(fixture, {
          rounds: QUICK ? 3 : 9,
          iterations: QUICK ? 2000 : 20_000,
        })),
      );
    }
    if (fixture && wanted('crud')) {
      log('createSession / destroySession / getUserSessions…');
      figures.push(
        ...crudFigures(fixture, { rounds: QUICK ? 3 : 7, iterations: QUICK ? 500 : 2000 }),
      );
    }
    if (fixture && wanted('event-loop')) {
      log('event-loop delay during sign-ins…');
      figures.push(...(await eventLoopFigures(fixture, { signIns: 20, rounds: QUICK ? 2 : 5 })));
    }
    if (fixture && wanted('size')) {
      figures.push(
        infoFigure({
          name: 'database size per 100,000 sessions',
          value: fixture.bytesPer100k / 1024 / 1024,
          unit: 'MiB',
          detail: `whole file ${(fixture.totalBytes / 1024 / 1024).toFixed(1)} MiB with ${fixture.users.toLocaleString('en-US')} users, ${fixture.sessions.toLocaleString('en-US')} sessions`,
        }),
      );
    }
    if (wanted('cleanup')) {
      log('cleanup of expired sessions (this one takes a while)…');
      figures.push(
        ...(await cleanupFigures(
          QUICK
            ? { rounds: 1, expired: 100_000, live: 10_000 }
            : { rounds: 3, expired: 1_000_000, live: 100_000 },
        )),
      );
    }
    if (wanted('legacy-import')) {
      log('import-legacy of an earlier database…');
      figures.push(
        ...(await legacyImportFigures(
          QUICK ? { accounts: 1000, rounds: 2 } : { accounts: 10_000, rounds: 5 },
        )),
      );
    }
  } finally {
    for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
  }

  printTable(figures);
  const failed = figures.filter((f) => f.pass === false);
  const seconds = (performance.now() - started) / 1000;
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${process.platform} ${os.release()}`,
      node: process.version,
    },
    quick: QUICK,
    only: ONLY,
    seconds,
    passed: failed.length === 0,
    figures,
  };
  fs.writeFileSync(path.join(ROOT, 'bench-results.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `\n${figures.filter((f) => f.pass === true).length} targets passed, ${failed.length} failed` +
      ` (${seconds.toFixed(0)} s); wrote bench-results.json`,
  );
  if (QUICK) console.log('BENCH_QUICK=1: small fixtures, the figures are not the targets');
  if (ONLY.length > 0) console.log(`BENCH_ONLY=${ONLY.join(',')}: a partial run`);
  return failed.length === 0 ? 0 : 1;
}

// If the event loop ran dry before main() settled, something hung on an unreferenced handle:
// that must never pass for success.
let settled = false;
process.on('exit', (code) => {
  if (!settled && code === 0) {
    console.error('bench: the process ran out of work before finishing: FAIL');
    process.exitCode = 3;
  }
});

main().then(
  (code) => {
    settled = true;
    process.exit(code);
  },
  (error: unknown) => {
    settled = true;
    console.error('bench failed to run:', error instanceof Error ? error.stack : error);
    process.exit(2);
  },
);
