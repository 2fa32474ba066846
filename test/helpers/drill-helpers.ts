import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/core/db/open-database';

/** The tables whose content must not change where nothing should have happened. */
const TABLES = ['users', 'sessions', 'login_throttle', 'audit_log', 'profiles'] as const;

/** SHA-256 over every row of every table, read on a connection of its own. */
export function contentHash(dataDir: string): string {
  const db = openDatabase(path.join(dataDir, 'sessions.db'), { readonly: true });
  try {
    const hash = crypto.createHash('sha256');
    for (const table of TABLES) {
      hash.update(table);
      hash.update(
        JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().all(), (_k, v) =>
          Buffer.isBuffer(v) ? v.toString('hex') : (v as unknown),
        ),
      );
    }
    return hash.digest('hex');
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` on a connection of its own: 'ok' or the problems. */
export function integrityCheck(dataDir: string): string {
  const db = openDatabase(path.join(dataDir, 'sessions.db'));
  try {
    return (db.pragma('integrity_check', { simple: false }) as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join('; ');
  } finally {
    db.close();
  }
}

/** Every file in `dir` (not recursive) with its bytes. */
export function filesIn(dir: string): Array<[string, Buffer]> {
  return fs
    .readdirSync(dir)
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .map((name) => [name, fs.readFileSync(path.join(dir, name))]);
}

/** The forms a token could take at rest: the token, its secret as text and as bytes. */
export function tokenNeedles(token: string): Buffer[] {
  const secret = token.slice(37);
  return [Buffer.from(token), Buffer.from(secret), Buffer.from(secret, 'base64url')];
}

/** A readable one-line rendering of any value, for a failure message (never huge). */
export function show(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_k, v: unknown) =>
      typeof v === 'bigint'
        ? `${v}n`
        : typeof v === 'string' && v.length > 60
          ? `${v.slice(0, 60)}…(${v.length})`
          : v,
    );
    return (text ?? String(value)).slice(0, 300);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** Milliseconds since `started`, rounded. */
export function since(started: number): number {
  return Math.round(performance.now() - started);
}
