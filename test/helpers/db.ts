import path from 'node:path';
import { migrate } from '../../src/core/db/migrate';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { MIGRATIONS_DIR } from './paths';
import { tempDir } from './temp-dir';

export { MIGRATIONS_DIR } from './paths';

/** A migrated database file in a fresh temp dir. */
export function migratedDb(dir = tempDir()): { db: Db; file: string; dir: string } {
  const file = path.join(dir, 'sessions.db');
  const db = openDatabase(file);
  migrate(db, MIGRATIONS_DIR);
  return { db, file, dir };
}

/** Inserts a user row directly (the password hash is a placeholder: these tests do not sign in). */
export function insertUser(db: Db, username: string, now = Date.now(), active = true): number {
  const result = db
    .prepare(
      `INSERT INTO users (username, password_hash, is_active, created_at, updated_at, password_changed_at)
       VALUES (?, 'not-a-real-hash', ?, ?, ?, ?)`,
    )
    .run(username, active ? 1 : 0, now, now, now);
  return Number(result.lastInsertRowid);
}
