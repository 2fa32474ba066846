import fs from 'node:fs';
import path from 'node:path';
import type { Db } from './open-database';

const MIGRATION_FILE = /^(\d{4})_[a-z0-9][a-z0-9_-]*\.sql$/;

/** One migration file. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The database was written by a newer version of the app; it is left untouched. */
export class DatabaseFromFutureError extends Error {
  readonly code = 'DATABASE_FROM_FUTURE';
  constructor(
    readonly databaseVersion: number,
    readonly codeVersion: number,
  ) {
    super(
      `The sessions database is at schema version ${databaseVersion}, but this app only knows ` +
        `version ${codeVersion}. It was written by a newer version of the app; it was left untouched.`,
    );
    this.name = 'DatabaseFromFutureError';
  }
}

/** A problem with the migrations folder itself (a gap, a duplicate, a stray file). */
export class MigrationSetError extends Error {
  readonly code = 'MIGRATION_SET_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'MigrationSetError';
  }
}

/**
 * Reads `NNNN_slug.sql` files from `dir`, numbered 1, 2, 3… without gaps. Any other `.sql` file
 * is an error, so that a misnamed migration is never silently skipped.
 */
export function loadMigrations(dir: string): Migration[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (error) {
    throw new MigrationSetError(
      `Cannot read the migrations folder ${dir}: ${(error as Error).message}`,
    );
  }
  const migrations: Migration[] = [];
  for (const name of entries.filter((entry) => entry.endsWith('.sql')).sort()) {
    const match = MIGRATION_FILE.exec(name);
    if (!match)
      throw new MigrationSetError(`Migration file name not of the form NNNN_slug.sql: ${name}`);
    migrations.push({
      version: Number(match[1]),
      name,
      sql: fs.readFileSync(path.join(dir, name), 'utf8'),
    });
  }
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new MigrationSetError(
        `Migrations must be numbered 1, 2, 3… without gaps or duplicates; expected ${String(index + 1).padStart(4, '0')}, found ${migration.name}`,
      );
    }
  });
  if (migrations.length === 0) throw new MigrationSetError(`No migrations found in ${dir}`);
  return migrations;
}

/** What {@link migrate} did. */
export interface MigrationReport {
  from: number;
  to: number;
  applied: string[];
}

/**
 * Brings the database to the latest version. Each pending migration and its
 * `PRAGMA user_version` are applied in one transaction, so a failing migration leaves the
 * previous version intact. A database newer than the code is refused and not touched.
 */
export function migrate(db: Db, migrationsDir: string): MigrationReport {
  const migrations = loadMigrations(migrationsDir);
  const latest = migrations.length;
  const from = db.pragma('user_version', { simple: true }) as number;
  if (from > latest) throw new DatabaseFromFutureError(from, latest);
  const applied: string[] = [];
  for (const migration of migrations.slice(from)) {
    const ran = db
      .transaction(() => {
        // Another process may have migrated while we waited for the write lock.
        if ((db.pragma('user_version', { simple: true }) as number) >= migration.version)
          return false;
        db.exec(migration.sql);
        // user_version lives in the database header, so it commits or rolls back with the DDL.
        db.pragma(`user_version = ${migration.version}`);
        return true;
      })
      .immediate();
    if (ran) applied.push(migration.name);
  }
  return { from, to: latest, applied };
}
