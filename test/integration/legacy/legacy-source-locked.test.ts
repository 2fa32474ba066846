/**
 * An earlier database that another process holds locked, in the middle of a write: the import
 * reads its committed state, never waits on the lock, and changes none of its files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit/audit-log';
import { importLegacyDatabase } from '../../../src/core/legacy/legacy-import';
import { ManualClock } from '../../helpers/clock';
import { migratedDb } from '../../helpers/db';
import { fileSha256, legacyCredentials, legacyDb, LEGACY_PASSWORD } from '../../helpers/legacy-db';
import { ROOT } from '../../helpers/paths';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/**
 * Another process that opens `file`, takes the write lock (`BEGIN EXCLUSIVE`) and writes 2,000
 * accounts it never commits, with a one-page cache so that they spill into the files; resolves
 * once it holds the lock with the writes on disk.
 */
function holdLocked(file: string): Promise<void> {
  const { hash, salt } = legacyCredentials(LEGACY_PASSWORD);
  const code = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.pragma('cache_size = 1');
    db.exec('BEGIN EXCLUSIVE');
    const insert = db.prepare('INSERT INTO users (username, email, password_hash, password_salt) VALUES (?, ?, ?, ?)');
    for (let i = 0; i < 2000; i += 1) insert.run('uncommitted' + i, i + '@example.invalid', ${JSON.stringify(hash)}, ${JSON.stringify(salt)});
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', code], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code})`)));
  });
}

async function importInto(source: string) {
  const { db, dir } = migratedDb();
  const clock = new ManualClock();
  const audit = await AuditLog.open({ db, dataDir: dir, clock, secretStore: null });
  const report = await importLegacyDatabase({
    db,
    source,
    workDir: dir,
    clock,
    by: 'test',
    recordAllWith: (eventsOf, work) => audit.recordAllWith(eventsOf, work),
  });
  return { db, report };
}

function filesBeside(source: string): Record<string, string> {
  const dir = path.dirname(source);
  return Object.fromEntries(
    fs.readdirSync(dir).map((name) => [name, fileSha256(path.join(dir, name))]),
  );
}

describe('a source locked by another process', () => {
  it.each(['delete', 'wal'] as const)(
    'journal mode %s: the committed accounts are imported, the uncommitted ones are not, no file beside it changes',
    { timeout: 30_000 },
    async (journalMode) => {
      const source = legacyDb({ users: [{ username: 'ada' }, { username: 'grace' }], journalMode });
      await holdLocked(source);
      const before = filesBeside(source);
      // The writer's files are on disk: a journal with the pages it overwrote, or WAL frames.
      expect(Object.keys(before)).toContain(
        journalMode === 'wal' ? 'justice.db-wal' : 'justice.db-journal',
      );
      const { db, report } = await importInto(source);
      expect(report.imported.map((a) => a.username)).toEqual(['ada', 'grace']);
      expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(2);
      const after = filesBeside(source);
      // SQLite's shared-memory index (-shm) is the lock holder's; every other file is unchanged.
      delete before['justice.db-shm'];
      delete after['justice.db-shm'];
      expect(after).toEqual(before);
      db.close();
    },
  );
});
