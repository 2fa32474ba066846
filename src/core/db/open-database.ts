import Database from 'better-sqlite3';

/** The better-sqlite3 connection type the core uses. */
export type Db = Database.Database;

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** How long a writer waits for another process's lock before SQLITE_BUSY, in ms. */
  busyTimeoutMs?: number;
  /** Open without write access (the database must exist). */
  readonly?: boolean;
  /** Fail instead of creating the file when it does not exist (maintenance tools). */
  fileMustExist?: boolean;
}

/**
 * Opens (creating if needed) the SQLite database at `file` with the settings every connection of
 * this app uses: WAL so that readers and a writer in other processes do not block each other,
 * foreign keys on, a busy timeout so that a second process waits instead of failing, and
 * `synchronous=NORMAL`, which is durable against an application crash in WAL mode.
 *
 * Called by whoever composes the app, never at import time.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  const db = new Database(file, {
    readonly: options.readonly ?? false,
    fileMustExist: (options.readonly ?? false) || (options.fileMustExist ?? false),
  });
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    if (!options.readonly) db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
