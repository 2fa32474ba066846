import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DatabaseFromFutureError, loadMigrations, migrate } from '../core/db/migrate';
import { resolveMigrationsDir } from '../core/db/migrations-dir';
import { openDatabase, type Db } from '../core/db/open-database';
import { prepareDataDir } from '../core/persistence/data-dir';
import { DATA_FILES } from '../core/persistence/data-files';
import { silentLogger } from '../core/ports';
import { openForCli, requireDataDir, wrongSchema } from './cli-database';

/** The database `import-legacy` imports into, and whether it had to be made first. */
export interface ImportTarget {
  db: Db;
  /** The sessions database did not exist (or was an unfinished new one) and was created. */
  created: boolean;
  /** A dry run where there is no sessions database yet: `db` is an empty one in memory. */
  wouldCreate: boolean;
}

/** How {@link openImportTarget} opens the target. */
export interface ImportTargetOptions {
  migrationsDir?: string;
  busyTimeoutMs: number;
  dryRun: boolean;
}

/**
 * Opens the sessions database in `dataDir` for `import-legacy`, the one command that may create
 * it: where the data directory holds none, it is created and migrated (the directory must exist:
 * a mistyped `--data-dir` creates nothing). So is one that holds nothing yet and stopped short of
 * the latest schema (an import killed while it created the database). A database that holds data
 * must be at this tool's schema version, as for every other command; one from a newer app is
 * never touched. A dry run writes nothing anywhere: without a database it plans against an empty
 * one in memory.
 */
export function openImportTarget(dataDir: string, options: ImportTargetOptions): ImportTarget {
  requireDataDir(dataDir, ' Nothing was created.');
  const migrationsDir = resolveMigrationsDir(options.migrationsDir);
  const file = path.join(dataDir, DATA_FILES.database);
  const fresh = !fs.existsSync(file) || isUnfinished(file, migrationsDir, options.busyTimeoutMs);
  if (fresh && options.dryRun) {
    const db = new Database(':memory:');
    migrate(db, migrationsDir);
    return { db, created: false, wouldCreate: true };
  }
  if (fresh) {
    const db = openDatabase(prepareDataDir(dataDir, silentLogger), {
      busyTimeoutMs: options.busyTimeoutMs,
    });
    try {
      migrate(db, migrationsDir);
    } catch (error) {
      db.close();
      throw error;
    }
    return { db, created: true, wouldCreate: false };
  }
  return {
    db: openForCli(file, { readonly: options.dryRun, busyTimeoutMs: options.busyTimeoutMs }),
    created: false,
    wouldCreate: false,
  };
}

/**
 * Whether the database at `file` is below the latest schema and holds nothing (an empty file, or
 * one whose creation was interrupted); throws for one from a newer app, one at an older version
 * that holds data, and a file that is not a sessions database.
 */
function isUnfinished(file: string, migrationsDir: string, busyTimeoutMs: number): boolean {
  const latest = loadMigrations(migrationsDir).length;
  const check = openForCli(file, { readonly: true, busyTimeoutMs });
  try {
    const version = check.pragma('user_version', { simple: true }) as number;
    if (version > latest) throw new DatabaseFromFutureError(version, latest);
    if (version === latest) return false;
    const tables = new Set(
      check
        .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .pluck()
        .all(),
    );
    if (version === 0 && tables.size === 0) return true;
    const holds = (table: string): boolean =>
      tables.has(table) && check.prepare(`SELECT 1 FROM ${table} LIMIT 1`).get() !== undefined;
    if (version > 0 && !holds('users') && !holds('audit_log')) return true;
    throw wrongSchema(file, version, latest);
  } finally {
    check.close();
  }
}
