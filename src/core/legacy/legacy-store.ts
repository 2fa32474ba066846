import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open-database';
import { foldName } from './legacy-rows';
import type { LegacyImportCounts } from './legacy-counts';
import type { LegacyAccount } from './legacy-types';

/** What the target database holds that an import's plan depends on. */
export interface TargetState {
  accounts: number;
  maxId: number;
  /** Accounts by folded name. */
  byFold: Map<string, { id: number; username: string }>;
  /** Accounts an earlier import brought in, by their id here. */
  imported: Map<
    number,
    { legacyId: number; legacyUsername: string; legacyCreatedAt: number | null }
  >;
}

/** An earlier import (or refusal) of a source, as recorded. */
export interface SourceRecord {
  id: number;
  outcome: 'imported' | 'refused';
  at: number;
  path: string;
  imported: number;
}

/** Where a source is and what it looks like on disk. */
export interface SourceFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

const RECORD = 'id, outcome, at, source_path AS path, imported';

/**
 * The target's side of an import: its accounts, and the record of earlier sources
 * (`legacy_imports`, `legacy_accounts`). On a database from before that record existed (a dry
 * run against an older schema), there is simply no record yet.
 */
export class LegacyStore {
  private readonly recorded: boolean;
  private inserts: { user: Statement; origin: Statement } | null = null;

  constructor(private readonly db: Db) {
    this.recorded =
      db
        .prepare(
          "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'legacy_imports'",
        )
        .pluck()
        .get() === 1;
  }

  /** The first import of this content, from whatever path. */
  previousImport(sha256: string): SourceRecord | undefined {
    if (!this.recorded) return undefined;
    return this.db
      .prepare<[string], SourceRecord>(
        `SELECT ${RECORD} FROM legacy_imports WHERE outcome = 'imported' AND source_sha256 = ? ORDER BY id LIMIT 1`,
      )
      .get(sha256);
  }

  /** The newest record of this very file (same path, size and modification time), if any. */
  seen(file: SourceFile): SourceRecord | undefined {
    if (!this.recorded) return undefined;
    return this.db
      .prepare<[string, number, number], SourceRecord>(
        `SELECT ${RECORD} FROM legacy_imports WHERE source_path = ? AND source_bytes = ? AND source_mtime = ? ORDER BY id DESC LIMIT 1`,
      )
      .get(file.path, file.bytes, Math.floor(file.mtimeMs));
  }

  /** The accounts here, by folded name, and which came from an earlier import. */
  targetState(): TargetState {
    const byFold = new Map<string, { id: number; username: string }>();
    let maxId = 0;
    let accounts = 0;
    const rows = this.db.prepare<[], { id: number; username: string }>(
      'SELECT id, username FROM users',
    );
    for (const row of rows.iterate()) {
      accounts += 1;
      maxId = Math.max(maxId, row.id);
      const fold = foldName(row.username);
      if (!byFold.has(fold)) byFold.set(fold, row);
    }
    const imported: TargetState['imported'] = new Map();
    if (this.recorded) {
      const legacy = this.db.prepare<
        [],
        { userId: number; legacyId: number; legacyUsername: string; legacyCreatedAt: number | null }
      >(
        'SELECT user_id AS userId, legacy_id AS legacyId, legacy_username AS legacyUsername, legacy_created_at AS legacyCreatedAt FROM legacy_accounts',
      );
      for (const { userId, ...rest } of legacy.iterate()) imported.set(userId, rest);
    }
    return { accounts, maxId, byFold, imported };
  }

  /** Records an import; returns its id (the accounts refer to it). */
  recordImport(
    file: SourceFile & { sha256: string },
    by: string,
    at: number,
    counts: LegacyImportCounts & { idsKept: boolean },
  ): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO legacy_imports (outcome, source_path, source_bytes, source_mtime, source_sha256, at, imported_by,
             ids_kept, imported, already_present, conflicts, malformed, grandfathered, old_sessions, old_sessions_live)
           VALUES ('imported', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          file.path,
          file.bytes,
          Math.floor(file.mtimeMs),
          file.sha256,
          at,
          by,
          counts.idsKept ? 1 : 0,
          counts.imported,
          counts.alreadyPresent,
          counts.conflicts,
          counts.malformed,
          counts.grandfathered,
          counts.oldSessionsEnded,
          counts.oldSessionsLive,
        ).lastInsertRowid,
    );
  }

  /** Records a source the app refused at startup, so that it is not tried again unchanged. */
  recordRefusal(file: SourceFile, by: string, at: number, refusal: string): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO legacy_imports (outcome, source_path, source_bytes, source_mtime, at, imported_by, refusal)
           VALUES ('refused', ?, ?, ?, ?, ?, ?)`,
        )
        .run(file.path, file.bytes, Math.floor(file.mtimeMs), at, by, refusal).lastInsertRowid,
    );
  }

  /** Inserts an imported account (with its earlier id, or a new one when `id` is null); its id. */
  insertAccount(account: LegacyAccount, id: number | null, importId: number, now: number): number {
    this.inserts ??= {
      user: this.db.prepare(
        `INSERT INTO users (id, username, password_hash, is_active, created_at, updated_at, password_changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      origin: this.db.prepare(
        'INSERT INTO legacy_accounts (user_id, import_id, legacy_id, legacy_username, legacy_created_at) VALUES (?, ?, ?, ?, ?)',
      ),
    };
    const { user, origin } = this.inserts;
    const active = account.active ? 1 : 0;
    const { username, phc, createdAt, updatedAt } = account;
    const userId = Number(
      user.run(id, username, phc, active, createdAt, updatedAt, now).lastInsertRowid,
    );
    origin.run(userId, importId, account.legacyId, username, account.legacyCreatedAt);
    return userId;
  }
}
