import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DatabaseFromFutureError,
  MigrationSetError,
  loadMigrations,
  migrate,
} from '../../../src/core/db/migrate';
import { openDatabase } from '../../../src/core/db/open-database';
import { MIGRATIONS_DIR } from '../../helpers/db';
import { tempDir } from '../../helpers/temp-dir';

const LATEST = fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length;

function copyMigrations(extra: Record<string, string> = {}): string {
  const dir = tempDir('jc-migrations-');
  for (const file of fs.readdirSync(MIGRATIONS_DIR)) {
    fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  }
  for (const [name, sql] of Object.entries(extra)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

function fileDigest(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

describe('openDatabase', () => {
  it('sets WAL, foreign keys, a busy timeout and synchronous=NORMAL', () => {
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(1000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    db.close();
  });
});

describe('migrate', () => {
  it('brings a fresh database to the latest version with STRICT tables and the indexes', () => {
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    const report = migrate(db, MIGRATIONS_DIR);
    expect(report).toMatchObject({ from: 0, to: LATEST });
    expect(report.applied).toHaveLength(LATEST);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    const tables = db
      .prepare(
        "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
      )
      .all() as Array<{ name: string; strict: number }>;
    expect(tables.map((t) => t.name).sort()).toEqual([
      'audit_log',
      'legacy_accounts',
      'legacy_imports',
      'login_throttle',
      'profiles',
      'sessions',
      'users',
    ]);
    expect(tables.every((t) => t.strict === 1)).toBe(true);
    const indexes = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'sessions'")
      .pluck()
      .all();
    expect(indexes).toEqual(
      expect.arrayContaining(['sessions_user_id', 'sessions_idle_expires_at']),
    );
    // Dropped by 0005: no query looked sessions up by their absolute cap.
    expect(indexes).not.toContain('sessions_expires_at');
    db.close();
  });

  it('drops the unused absolute-cap index from a database at version 4, keeping its rows', () => {
    const upToFour = tempDir('jc-migrations-');
    for (const file of fs.readdirSync(MIGRATIONS_DIR).filter((f) => f < '0005'))
      fs.copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(upToFour, file));
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    expect(migrate(db, upToFour).to).toBe(4);
    db.prepare(
      "INSERT INTO users (username, password_hash, created_at, updated_at, password_changed_at) VALUES ('ada', 'h', 1, 1, 1)",
    ).run();
    db.prepare(
      `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me)
       VALUES (?, 1, ?, 1, 1, 10, 5, 0)`,
    ).run(crypto.randomUUID(), crypto.randomBytes(32));
    const index = "SELECT count(*) FROM sqlite_schema WHERE name = 'sessions_expires_at'";
    expect(db.prepare(index).pluck().get()).toBe(1);
    // Later migrations follow it; 0005 is the first one this database had not seen.
    expect(migrate(db, MIGRATIONS_DIR).applied[0]).toBe('0005_drop_unused_expires_index.sql');
    expect(db.prepare(index).pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
  });

  it('is a no-op when run again', () => {
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    migrate(db, MIGRATIONS_DIR);
    const schema = db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all();
    expect(migrate(db, MIGRATIONS_DIR)).toEqual({ from: LATEST, to: LATEST, applied: [] });
    expect(db.prepare('SELECT sql FROM sqlite_schema ORDER BY name').pluck().all()).toEqual(schema);
    db.close();
  });

  it('refuses a database newer than the code and leaves it byte for byte untouched', () => {
    const file = path.join(tempDir(), 'future.db');
    const setup = openDatabase(file);
    migrate(setup, MIGRATIONS_DIR);
    setup.pragma(`user_version = ${LATEST + 3}`);
    setup.pragma('wal_checkpoint(TRUNCATE)');
    setup.close();
    const before = fileDigest(file);

    const db = openDatabase(file);
    let error: unknown;
    try {
      migrate(db, MIGRATIONS_DIR);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DatabaseFromFutureError);
    expect((error as Error).message).toMatch(/newer version of the app/);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST + 3);
    db.close();
    expect(fileDigest(file)).toBe(before);
  });

  it('rolls a failing migration back whole and keeps the previous version', () => {
    const broken = String(LATEST + 1).padStart(4, '0');
    const dir = copyMigrations({
      [`${broken}_broken.sql`]:
        'CREATE TABLE half_done (x INTEGER) STRICT;\nINSERT INTO no_such_table VALUES (1);',
    });
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    expect(() => migrate(db, dir)).toThrow(/no such table/);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST);
    expect(
      db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get(),
    ).toBe(0);
    // The good migrations before it did land, and a rerun with the fixed set goes on from there.
    expect(migrate(db, MIGRATIONS_DIR).applied).toEqual([]);
    db.close();
  });

  it('rejects a gap, a duplicate number and a misnamed file in the folder', () => {
    const gap = String(LATEST + 2).padStart(4, '0');
    expect(() => loadMigrations(copyMigrations({ [`${gap}_skipped.sql`]: 'SELECT 1;' }))).toThrow(
      MigrationSetError,
    );
    expect(() => loadMigrations(copyMigrations({ '0001_again.sql': 'SELECT 1;' }))).toThrow(
      /without gaps or duplicates/,
    );
    expect(() => loadMigrations(copyMigrations({ 'fix-users.sql': 'SELECT 1;' }))).toThrow(
      /NNNN_slug/,
    );
    expect(() => loadMigrations(path.join(tempDir(), 'missing'))).toThrow(
      /Cannot read the migrations folder/,
    );
  });

  it('lets two connections race to migrate the same file without error', () => {
    const file = path.join(tempDir(), 'race.db');
    const a = openDatabase(file);
    const b = openDatabase(file);
    migrate(a, MIGRATIONS_DIR);
    expect(migrate(b, MIGRATIONS_DIR).applied).toEqual([]);
    a.close();
    b.close();
  });

  it('enforces the schema: user_id must exist and sessions cascade with their user', () => {
    const db = openDatabase(path.join(tempDir(), 'a.db'));
    migrate(db, MIGRATIONS_DIR);
    const insertSession = db.prepare(
      `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me)
       VALUES (?, ?, ?, 1, 1, 10, 5, 0)`,
    );
    expect(() => insertSession.run(crypto.randomUUID(), 999, crypto.randomBytes(32))).toThrow(
      /FOREIGN KEY/,
    );
    db.prepare(
      "INSERT INTO users (username, password_hash, created_at, updated_at, password_changed_at) VALUES ('Ada', 'h', 1, 1, 1)",
    ).run();
    expect(() =>
      db
        .prepare(
          "INSERT INTO users (username, password_hash, created_at, updated_at, password_changed_at) VALUES ('ADA', 'h', 1, 1, 1)",
        )
        .run(),
    ).toThrow(/UNIQUE/);
    insertSession.run(crypto.randomUUID(), 1, crypto.randomBytes(32));
    db.prepare('DELETE FROM users WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
    db.close();
  });
});
