import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open-database';
import type { User } from './account-types';

/** A `users` row as stored. */
export interface UserRow {
  id: number;
  username: string;
  password_hash: string;
  is_active: number;
  created_at: number;
  updated_at: number;
  password_changed_at: number;
}

/** The prepared statements over `users`; names are unique case-insensitively (NOCASE). */
export class UserQueries {
  readonly byName: Statement<[string], UserRow>;
  readonly byId: Statement<[number], UserRow>;
  private readonly insertStmt: Statement<[string, string, number, number, number]>;
  private readonly setHashStmt: Statement<[string, number, number, number, string]>;
  private readonly hashesStmt: Statement<[], string>;
  private readonly hashesVersionStmt: Statement<[], unknown>;
  private readonly rehashStmt: Statement<[string, number, number, string]>;
  private readonly setActiveStmt: Statement<[number, number, number]>;
  private readonly countStmt: Statement<[], { total: number; active: number }>;

  constructor(db: Db) {
    this.byName = db.prepare('SELECT * FROM users WHERE username = ?');
    this.byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.insertStmt = db.prepare(
      'INSERT INTO users (username, password_hash, is_active, created_at, updated_at, password_changed_at) VALUES (?, ?, 1, ?, ?, ?)',
    );
    this.setHashStmt = db.prepare(
      'UPDATE users SET password_hash = ?, updated_at = ?, password_changed_at = ? WHERE id = ? AND password_hash = ?',
    );
    this.hashesStmt = db.prepare<[], string>('SELECT DISTINCT password_hash FROM users').pluck();
    this.hashesVersionStmt = db.prepare<[], unknown>(
      'SELECT count(*), max(id), max(updated_at) FROM users',
    );
    this.rehashStmt = db.prepare(
      'UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND password_hash = ?',
    );
    this.setActiveStmt = db.prepare('UPDATE users SET is_active = ?, updated_at = ? WHERE id = ?');
    this.countStmt = db.prepare(
      'SELECT count(*) AS total, coalesce(sum(is_active), 0) AS active FROM users',
    );
  }

  /** Inserts an active account; returns its id. Throws SQLITE_CONSTRAINT_UNIQUE for a taken name. */
  insert(username: string, phc: string, now: number): number {
    return Number(this.insertStmt.run(username, phc, now, now, now).lastInsertRowid);
  }

  /**
   * A new password: the hash and `password_changed_at`, only if the stored hash is still
   * `previous` (the one just verified). False when it is not, or there is no such account.
   */
  setPassword(userId: number, phc: string, previous: string, now: number): boolean {
    return this.setHashStmt.run(phc, now, now, userId, previous).changes > 0;
  }

  /**
   * What changes whenever a password hash may have: an account added, removed or updated (a new
   * hash moves `updated_at`). One aggregate step, so a caller can skip reading every hash.
   */
  hashesVersion(): string {
    return JSON.stringify(this.hashesVersionStmt.get());
  }

  /** Every stored password hash, one at a time (to learn which parameter sets are in use). */
  hashes(): IterableIterator<string> {
    return this.hashesStmt.iterate();
  }

  /** Replaces the hash by an equivalent stronger one, only if it is still `previous`. */
  rehash(userId: number, phc: string, previous: string, now: number): boolean {
    return this.rehashStmt.run(phc, now, userId, previous).changes > 0;
  }

  /** How many accounts there are, and how many of them are active. */
  counts(): { total: number; active: number } {
    return this.countStmt.get()!;
  }

  /** False when there is no such account. */
  setActive(userId: number, active: boolean, now: number): boolean {
    return this.setActiveStmt.run(active ? 1 : 0, now, userId).changes > 0;
  }
}

/** A row as the rest of the core sees it: never the hash. */
export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    isActive: row.is_active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    passwordChangedAt: row.password_changed_at,
  };
}
