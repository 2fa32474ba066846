/**
 * Drill: SIGKILL during `import-legacy` leaves either nothing or everything. A child imports an
 * earlier database of 4,000 accounts into an empty data directory (so it also creates and
 * migrates the database) and is killed at a chosen point: as it starts, once it has read the
 * source (while it creates the database), and after each progress line of the write, which it
 * prints from inside the import's transaction. After every kill the database, if any, passes
 * `PRAGMA integrity_check` and holds no account, no import record and no import event, or all of
 * them with a verifying chain; the source never changes; and the import then runs to the end.
 */
import { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/core/audit/audit-log';
import { openDatabase } from '../../src/core/db/open-database';
import { cli } from '../helpers/cli';
import { fileSha256, legacyDb, manyLegacyUsers } from '../helpers/legacy-db';
import { tempDir } from '../helpers/temp-dir';
import { bundleChild, exited, startChild } from '../helpers/child-process';
import { integrityCheck } from '../helpers/drill-helpers';
import { MIGRATIONS_DIR } from '../helpers/paths';

const ACCOUNTS = 4000;
const ROUNDS = Number(process.env.DRILL_LEGACY_ROUNDS ?? 2);
/**
 * Where the child is killed: right after the spawn (null), or once it printed a line matching the
 * pattern (progress on stderr; its answer on stdout, printed after the commit).
 */
const KILL_POINTS: Array<RegExp | null> = [
  null,
  /read 4,000 accounts/,
  /1,000 of 4,000 accounts written/,
  /2,000 of 4,000 accounts written/,
  /3,000 of 4,000 accounts written/,
  /4,000 of 4,000 accounts written/,
  /"ok": true/,
];

/** Resolves once the child printed a line matching `pattern`, or ended. */
function reaches(child: ChildProcess, pattern: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    let text = '';
    const stream = pattern.source.includes('"ok"') ? child.stdout! : child.stderr!;
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve(true);
    });
    child.once('exit', () => resolve(false));
  });
}

async function stateOf(dataDir: string): Promise<'nothing' | 'everything' | string> {
  const file = path.join(dataDir, 'sessions.db');
  if (!fs.existsSync(file)) return 'nothing';
  const integrity = integrityCheck(dataDir);
  if (integrity !== 'ok') return `integrity_check: ${integrity}`;
  const db = openDatabase(file);
  try {
    const tables = new Set(
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(),
    );
    const count = (table: string, where = ''): number =>
      tables.has(table)
        ? (db.prepare(`SELECT count(*) FROM ${table} ${where}`).pluck().get() as number)
        : 0;
    const counts = [
      count('users'),
      count('legacy_accounts'),
      count('legacy_imports'),
      count('audit_log', "WHERE event = 'legacy-import'"),
    ];
    if (counts.every((n) => n === 0)) return 'nothing';
    if (counts.join() !== [ACCOUNTS, ACCOUNTS, 1, ACCOUNTS + 1].join())
      return `partial: users, origins, records, events = ${counts.join(', ')}`;
    const audit = await AuditLog.open({ db, dataDir, secretStore: null });
    const verification = await audit.verify();
    return verification.ok ? 'everything' : `audit: ${verification.reason}`;
  } finally {
    db.close();
  }
}

describe('drill: SIGKILL during import-legacy', () => {
  it(
    `${ROUNDS * KILL_POINTS.length} kills at every stage: nothing or everything, then the import completes`,
    { timeout: 120_000 },
    async () => {
      const childFile = await bundleChild(
        path.join(import.meta.dirname, 'children/legacy-import-child.ts'),
      );
      const source = legacyDb({ users: manyLegacyUsers(ACCOUNTS) });
      const digest = fileSha256(source);
      const outcomes: Record<string, number> = {};
      const problems: string[] = [];
      let killedWhileWriting = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const point of KILL_POINTS) {
          const dataDir = tempDir('jc-legacy-kill-');
          const child = startChild(childFile, [source, dataDir, MIGRATIONS_DIR]);
          const reached = point === null ? true : await reaches(child, point);
          child.kill('SIGKILL');
          const how = await exited(child);
          const state = await stateOf(dataDir);
          const key = `${point?.source ?? 'at spawn'} → ${how === 'SIGKILL' ? state : `ended by itself (${how}), ${state}`}`;
          outcomes[key] = (outcomes[key] ?? 0) + 1;
          if (state !== 'nothing' && state !== 'everything') problems.push(`${key}`);
          // A stage the child never announced is a drill that no longer kills where it says.
          if (!reached) problems.push(`the child never got to ${point?.source}: ${how}`);
          if (how === 'SIGKILL' && point !== null && /written/.test(point.source))
            killedWhileWriting += 1;
          // The next run completes (or finds the import done), and sweeps the killed run's copy.
          const rerun = await cli(['import-legacy', '--from', source, '--data-dir', dataDir], {
            migrationsDir: MIGRATIONS_DIR,
          });
          if (rerun.code !== 0)
            problems.push(`rerun after ${key}: exit ${rerun.code} ${rerun.stderr}`);
          if ((await stateOf(dataDir)) !== 'everything')
            problems.push(`rerun after ${key}: incomplete`);
          const leftovers = fs
            .readdirSync(dataDir)
            .filter((name) => name.startsWith('.legacy-copy-'));
          if (leftovers.length > 0) problems.push(`copies left behind: ${leftovers.join(', ')}`);
        }
      }
      console.log(`legacy import kill drill: ${JSON.stringify(outcomes)}`);
      expect(problems).toEqual([]);
      expect(killedWhileWriting).toBeGreaterThan(0);
      expect(fileSha256(source)).toBe(digest);
    },
  );
});
