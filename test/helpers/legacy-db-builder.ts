/**
 * Builds databases of the earlier Justice Companion release, from its documented schema, with
 * real scrypt hashes made the way that app made them: `crypto.scrypt(password, salt, 64)` with
 * Node's defaults (N = 16384, r = 8, p = 1), the salt 16 random bytes, both stored as hex.
 * scrypt at N = 16384 takes tens of milliseconds, so hashes are memoised per password: large
 * fixtures reuse a few real ones. No test-runner imports: the bench uses it too.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';

/** The earlier app's `users` and `sessions` tables, as its migrations made them. */
const LEGACY_SCHEMA = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  password_salt TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'user' CHECK(role IN ('user', 'admin')),
  is_active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  updated_at TEXT NOT NULL DEFAULT (datetime('now')),
  last_login_at TEXT
);
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (datetime('now')),
  ip_address TEXT,
  user_agent TEXT,
  remember_me INTEGER DEFAULT 0,
  FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE
);
CREATE INDEX idx_users_username ON users(username);
CREATE INDEX idx_sessions_user_id ON sessions(user_id);
CREATE TABLE cases (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT);
`;

/** A password hash as the earlier app stored it. */
export interface LegacyCredentials {
  /** hex of the 64-byte scrypt key */
  hash: string;
  /** hex of the 16-byte salt */
  salt: string;
}

const memo = new Map<string, LegacyCredentials>();

/** Real scrypt credentials for `password` (memoised: the same salt and hash for the same password). */
export function legacyCredentials(password: string): LegacyCredentials {
  let credentials = memo.get(password);
  if (!credentials) {
    const salt = crypto.randomBytes(16);
    const hash = crypto.scryptSync(password, salt, 64);
    credentials = { hash: hash.toString('hex'), salt: salt.toString('hex') };
    memo.set(password, credentials);
  }
  return credentials;
}

/** One earlier account. Anything not given gets the earlier app's default. */
export interface LegacyUser {
  id?: number;
  username: string;
  /** Hashed for real (memoised); or give `hash` and `salt` as stored (malformed rows). */
  password?: string;
  hash?: unknown;
  salt?: unknown;
  email?: string;
  isActive?: unknown;
  /** As stored: `YYYY-MM-DD HH:MM:SS` (the default), an ISO string, anything. */
  createdAt?: unknown;
}

/** One earlier session: its id was the bearer token, in the clear. */
export interface LegacySession {
  userId: number;
  expiresAt: string;
  rememberMe?: boolean;
}

/** What {@link buildLegacyDb} makes. */
export interface LegacyDbSpec {
  users: LegacyUser[];
  sessions?: LegacySession[];
  /** The earlier app opened its database in WAL mode; `delete` for the rollback journal. */
  journalMode?: 'wal' | 'delete';
}

/** The password of every fixture account unless a test gives another. */
export const LEGACY_PASSWORD = 'Earlier Passw0rd of 2025';

/** Writes an earlier database at `file` (closed cleanly: no -wal is left beside it). */
export function buildLegacyDb(file: string, spec: LegacyDbSpec): string {
  const db = new Database(file);
  try {
    db.pragma(`journal_mode = ${spec.journalMode ?? 'wal'}`);
    db.exec(LEGACY_SCHEMA);
    const insert = db.prepare(
      `INSERT INTO users (id, username, email, password_hash, password_salt, is_active, created_at, updated_at)
       VALUES (@id, @username, @email, @hash, @salt, @isActive, coalesce(@createdAt, datetime('now')), coalesce(@createdAt, datetime('now')))`,
    );
    const session = db.prepare(
      'INSERT INTO sessions (id, user_id, expires_at, remember_me) VALUES (?, ?, ?, ?)',
    );
    db.transaction(() => {
      spec.users.forEach((user, index) => {
        const real = legacyCredentials(user.password ?? LEGACY_PASSWORD);
        insert.run({
          id: user.id ?? null,
          username: user.username,
          email: user.email ?? `user${index}@example.invalid`,
          hash: 'hash' in user ? user.hash : real.hash,
          salt: 'salt' in user ? user.salt : real.salt,
          isActive: user.isActive ?? 1,
          createdAt: user.createdAt ?? '2025-03-04 05:06:07',
        });
      });
      for (const s of spec.sessions ?? [])
        session.run(crypto.randomUUID(), s.userId, s.expiresAt, s.rememberMe ? 1 : 0);
    })();
  } finally {
    db.close();
  }
  return file;
}

/** `count` accounts named `user0`, `user1`… sharing a few real hashes (for large imports). */
export function manyLegacyUsers(count: number, passwords = 4): LegacyUser[] {
  return Array.from({ length: count }, (_, i) => ({
    username: `user${i}`,
    password: `${LEGACY_PASSWORD} #${i % passwords}`,
  }));
}

/** SHA-256 of a file's bytes, to show a source was never changed. */
export function fileSha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}
