/**
 * The import of an earlier Justice Companion database into a sessions database, through the
 * core: what is imported and how, the rules for names, malformed rows and earlier sessions, the
 * record that makes a second run import nothing, the audit rows, and sources that are refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit/audit-log';
import type { Db } from '../../../src/core/db/open-database';
import { importLegacyDatabase } from '../../../src/core/legacy/legacy-import';
import { LegacySourceError } from '../../../src/core/legacy/legacy-types';
import { ManualClock } from '../../helpers/clock';
import { insertUser, migratedDb } from '../../helpers/db';
import { fileSha256, legacyCredentials, legacyDb, LEGACY_PASSWORD } from '../../helpers/legacy-db';
import { tempDir } from '../../helpers/temp-dir';

const DAY = 86_400_000;

async function target(db = migratedDb()) {
  const clock = new ManualClock();
  const audit = await AuditLog.open({ db: db.db, dataDir: db.dir, clock, secretStore: null });
  const run = (source: string, dryRun = false) =>
    importLegacyDatabase({
      db: db.db,
      source,
      workDir: db.dir,
      clock,
      by: 'test',
      dryRun,
      recordAllWith: (eventsOf, work) => audit.recordAllWith(eventsOf, work),
    });
  return { ...db, clock, audit, run };
}

function users(db: Db) {
  return db
    .prepare(
      'SELECT id, username, password_hash AS phc, is_active AS active, created_at AS createdAt FROM users ORDER BY id',
    )
    .all() as Array<{
    id: number;
    username: string;
    phc: string;
    active: number;
    createdAt: number;
  }>;
}

function auditEvents(db: Db) {
  return db
    .prepare('SELECT event, user_id AS userId, details FROM audit_log ORDER BY seq')
    .all() as Array<{
    event: string;
    userId: number | null;
    details: string;
  }>;
}

function nothingWritten(db: Db): void {
  expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
  expect(db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(0);
  expect(db.prepare('SELECT count(*) FROM legacy_imports').pluck().get()).toBe(0);
}

describe('legacy import', () => {
  it('imports every account with its scrypt hash as a PHC string, its active flag and creation time, keeping the ids', async () => {
    const source = legacyDb({
      users: [
        { id: 3, username: 'ada', createdAt: '2024-05-06 07:08:09' },
        { id: 7, username: 'grace', isActive: 0, createdAt: '2024-06-01T10:00:00.250Z' },
      ],
    });
    const t = await target();
    const report = await t.run(source);
    expect(report).toMatchObject({
      outcome: 'imported',
      idsKept: true,
      malformed: [],
      conflicts: [],
    });
    const rows = users(t.db);
    expect(rows.map((r) => [r.id, r.username, r.active])).toEqual([
      [3, 'ada', 1],
      [7, 'grace', 0],
    ]);
    expect(rows[0]!.createdAt).toBe(Date.UTC(2024, 4, 6, 7, 8, 9));
    expect(rows[1]!.createdAt).toBe(Date.UTC(2024, 5, 1, 10, 0, 0, 250));
    const { hash, salt } = legacyCredentials(LEGACY_PASSWORD);
    const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64').replace(/=+$/, '');
    expect(rows[0]!.phc).toBe(`$scrypt$ln=14,r=8,p=1$${b64(salt)}$${b64(hash)}`);
    // The origin of each account is kept, for the earlier app's other tables.
    expect(
      t.db
        .prepare('SELECT user_id, legacy_id, legacy_username FROM legacy_accounts ORDER BY user_id')
        .raw()
        .all(),
    ).toEqual([
      [3, 3, 'ada'],
      [7, 7, 'grace'],
    ]);
  });

  it('records a legacy-import event with the counts and one naming each imported account, in the same transaction; the chain verifies', async () => {
    const source = legacyDb({
      users: [{ username: 'ada' }, { username: 'grace' }],
      sessions: [{ userId: 1, expiresAt: '2099-01-01 00:00:00' }],
    });
    const t = await target();
    await t.run(source);
    const events = auditEvents(t.db);
    expect(events.map((e) => [e.event, e.userId])).toEqual([
      ['legacy-import', null],
      ['legacy-import', 1],
      ['legacy-import', 2],
    ]);
    expect(JSON.parse(events[0]!.details)).toMatchObject({
      source,
      imported: 2,
      conflicts: 0,
      malformed: 0,
      oldSessionsEnded: 1,
      oldSessionsLive: 1,
      sha256: fileSha256(source),
    });
    expect(JSON.parse(events[1]!.details)).toMatchObject({ legacyId: 1 });
    const verification = await t.audit.verify();
    expect(verification).toMatchObject({ ok: true });
    // No hash of any kind in the log.
    const text = JSON.stringify(events);
    expect(text).not.toContain(legacyCredentials(LEGACY_PASSWORD).hash);
    expect(text).not.toContain('$scrypt$');
  });

  it('never changes the source: its bytes, a WAL database left closed (no -wal or -shm appears), a live -wal', async () => {
    const closed = legacyDb({ users: [{ username: 'ada' }] });
    const before = fileSha256(closed);
    await (await target()).run(closed);
    expect(fileSha256(closed)).toBe(before);
    expect(fs.readdirSync(path.dirname(closed))).toEqual(['justice.db']);

    // The earlier app still has it open, with accounts only in its -wal.
    const live = legacyDb({ users: [{ username: 'ada' }] });
    const writer = new Database(live);
    writer.pragma('wal_autocheckpoint = 0');
    writer
      .prepare(
        'INSERT INTO users (username, email, password_hash, password_salt) VALUES (?, ?, ?, ?)',
      )
      .run(
        'grace',
        'g@example.invalid',
        legacyCredentials(LEGACY_PASSWORD).hash,
        legacyCredentials(LEGACY_PASSWORD).salt,
      );
    const files = ['justice.db', 'justice.db-wal'].map((f) => path.join(path.dirname(live), f));
    const digests = files.map(fileSha256);
    try {
      const t = await target();
      await t.run(live);
      expect(users(t.db).map((u) => u.username)).toEqual(['ada', 'grace']);
      expect(files.map(fileSha256)).toEqual(digests);
    } finally {
      writer.close();
    }
  });

  it('of names equal but for case, the lowest earlier id wins; both are reported', async () => {
    const source = legacyDb({
      users: [
        { id: 5, username: 'ADA' },
        { id: 2, username: 'ada' },
        { id: 9, username: 'Ada' },
        { id: 4, username: 'ÉMILE' },
        { id: 6, username: 'émile' },
      ],
    });
    const t = await target();
    const report = await t.run(source);
    expect(report.imported.map((a) => [a.oldId, a.username])).toEqual([
      [2, 'ada'],
      [4, 'ÉMILE'],
    ]);
    expect(report.conflicts).toEqual([
      {
        oldId: 5,
        username: 'ADA',
        reason: 'case-duplicate',
        with: { oldId: 2, userId: null, username: 'ada' },
      },
      {
        oldId: 6,
        username: 'émile',
        reason: 'case-duplicate',
        with: { oldId: 4, userId: null, username: 'ÉMILE' },
      },
      {
        oldId: 9,
        username: 'Ada',
        reason: 'case-duplicate',
        with: { oldId: 2, userId: null, username: 'ada' },
      },
    ]);
  });

  it('a name already here makes the earlier one a conflict; new ids are assigned and listed when the target has accounts', async () => {
    const db = migratedDb();
    const here = insertUser(db.db, 'Grace');
    const t = await target(db);
    const report = await t.run(
      legacyDb({
        users: [
          { id: 1, username: 'ada' },
          { id: 2, username: 'grace' },
        ],
      }),
    );
    expect(report.idsKept).toBe(false);
    expect(report.imported).toMatchObject([{ oldId: 1, newId: here + 1, username: 'ada' }]);
    expect(report.conflicts).toEqual([
      {
        oldId: 2,
        username: 'grace',
        reason: 'name-taken',
        with: { oldId: null, userId: here, username: 'Grace' },
      },
    ]);
    expect(users(t.db).map((u) => [u.id, u.username])).toEqual([
      [here, 'Grace'],
      [here + 1, 'ada'],
    ]);
  });

  it('keeps names that break the username rules as they are (a space, unicode, one letter) and counts them', async () => {
    const names = ['Ada Lovelace', 'Zoë', '李小龍', 'x', 'bob'];
    const t = await target();
    const report = await t.run(legacyDb({ users: names.map((username) => ({ username })) }));
    expect(users(t.db).map((u) => u.username)).toEqual(names);
    expect(report.grandfathered).toBe(4);
    expect(report.imported.filter((a) => a.grandfathered).map((a) => a.username)).toEqual(
      names.slice(0, 4),
    );
  });

  it('skips and reports each malformed row (hash, salt, empty name, active flag, too long a name); the rest is imported', async () => {
    const good = legacyCredentials(LEGACY_PASSWORD);
    const source = legacyDb({
      users: [
        { id: 1, username: 'ada' },
        { id: 2, username: 'short-hash', hash: good.hash.slice(2) },
        { id: 3, username: 'not-hex', hash: `zz${good.hash.slice(2)}` },
        { id: 4, username: 'salt', salt: good.salt.slice(0, 30) },
        { id: 5, username: '' },
        { id: 6, username: 'flag', isActive: 2 },
        { id: 7, username: 'n'.repeat(257) },
        { id: 8, username: 'grace', createdAt: 'last tuesday' },
      ],
    });
    const t = await target();
    const report = await t.run(source);
    expect(report.imported.map((a) => a.oldId)).toEqual([1, 8]);
    expect(report.imported[1]!.createdAt).toBeNull(); // kept, at the import's time
    expect(report.malformed.map((m) => [m.oldId, m.problem])).toEqual([
      [2, expect.stringContaining('password_hash')],
      [3, expect.stringContaining('password_hash')],
      [4, expect.stringContaining('password_salt')],
      [5, 'the username is empty'],
      [6, expect.stringContaining('is_active')],
      [7, expect.stringContaining('256')],
    ]);
    expect(users(t.db)[1]!.createdAt).toBe(t.clock.now());
  });

  it('never imports earlier sessions: it counts them, and how many were still live', async () => {
    const t = await target();
    const now = new Date(t.clock.now());
    const at = (ms: number) =>
      new Date(now.getTime() + ms).toISOString().replace('T', ' ').slice(0, 19);
    const report = await t.run(
      legacyDb({
        users: [{ username: 'ada' }],
        sessions: [
          { userId: 1, expiresAt: at(DAY) },
          { userId: 1, expiresAt: new Date(now.getTime() + 2 * DAY).toISOString() },
          { userId: 1, expiresAt: at(-DAY) },
        ],
      }),
    );
    expect(report.oldSessions).toEqual({ total: 3, live: 2 });
    expect(t.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('a second run imports nothing and says so, also from a copy at another path', async () => {
    const source = legacyDb({ users: [{ username: 'ada' }] });
    const t = await target();
    const first = await t.run(source);
    const rows = t.db.prepare('SELECT count(*) FROM audit_log').pluck().get();
    const second = await t.run(source);
    expect(second).toMatchObject({
      outcome: 'already-imported',
      imported: [],
      previousImport: { id: first.importId, path: source, imported: 1 },
    });
    const copy = path.join(tempDir(), 'elsewhere.db');
    fs.copyFileSync(source, copy);
    expect((await t.run(copy)).outcome).toBe('already-imported');
    expect(t.db.prepare('SELECT count(*) FROM audit_log').pluck().get()).toBe(rows);
    expect(users(t.db)).toHaveLength(1);
  });

  it('a source that changed since brings its new accounts; the ones imported before are already present', async () => {
    const source = legacyDb({ users: [{ username: 'ada' }] });
    const t = await target();
    await t.run(source);
    const earlier = new Database(source);
    const { hash, salt } = legacyCredentials(LEGACY_PASSWORD);
    earlier
      .prepare(
        'INSERT INTO users (username, email, password_hash, password_salt) VALUES (?, ?, ?, ?)',
      )
      .run('grace', 'g@example.invalid', hash, salt);
    earlier.close();
    const report = await t.run(source);
    expect(report.alreadyPresent).toEqual([{ oldId: 1, username: 'ada', userId: 1 }]);
    expect(report.imported.map((a) => [a.oldId, a.newId, a.username])).toEqual([[2, 2, 'grace']]);
    expect(report.conflicts).toEqual([]);
  });

  it('a dry run reports the same and writes nothing', async () => {
    const source = legacyDb({ users: [{ username: 'ada' }, { username: 'ADA' }] });
    const t = await target();
    const report = await t.run(source, true);
    expect(report).toMatchObject({ dryRun: true, outcome: 'imported', importId: null });
    expect(report.imported).toHaveLength(1);
    expect(report.conflicts).toHaveLength(1);
    nothingWritten(t.db);
  });

  it.each([
    [
      'garbage',
      (file: string) =>
        fs.writeFileSync(file, 'this is not a database, just some text\n'.repeat(50)),
      'not-sqlite',
    ],
    ['an empty file', (file: string) => fs.writeFileSync(file, ''), 'unrecognised'],
    [
      'a foreign SQLite file',
      (file: string) => {
        const db = new Database(file);
        db.exec('CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)');
        db.close();
      },
      'unrecognised',
    ],
    [
      'a users table without password_salt',
      (file: string) => {
        const db = new Database(file);
        db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, password_hash TEXT)');
        db.close();
      },
      'unrecognised',
    ],
    [
      "this module's own sessions database",
      (file: string) => migratedDb(path.dirname(file)).db.close(),
      'unrecognised',
    ],
    [
      'a SQLite header over garbage',
      (file: string) =>
        fs.writeFileSync(
          file,
          Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(5000, 7)]),
        ),
      'not-sqlite',
    ],
  ])('%s is refused with a clear error, and nothing is written', async (_, make, problem) => {
    const dir = tempDir();
    const file = path.join(
      dir,
      problem === 'unrecognised' && _.startsWith('this') ? 'sessions.db' : 'justice.db',
    );
    make(file);
    const t = await target();
    const error = await t.run(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LegacySourceError);
    expect(error).toMatchObject({ problem, transient: false });
    expect((error as Error).message).toMatch(/Nothing was imported\.$/);
    nothingWritten(t.db);
  });

  it('a missing source is refused as missing', async () => {
    const t = await target();
    await expect(t.run(path.join(tempDir(), 'nope.db'))).rejects.toMatchObject({
      problem: 'missing',
    });
    nothingWritten(t.db);
  });
});
