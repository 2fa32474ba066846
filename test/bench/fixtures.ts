import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { DATA_FILES } from '../../src/core/persistence/data-files';
import { createSessionRuntime } from '../../src/core/runtime';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { MIGRATIONS_DIR } from '../helpers/paths';

const DAY = 24 * 3_600_000;

/** A lower-case UUID v4 built by SQLite itself, so seeding a million rows stays in C. */
const SQL_UUID_V4 = `lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
  substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) ||
  substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))`;

/** A fresh directory under the OS temp dir; the caller removes it. */
export function benchDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `jc-bench-${prefix}-`));
}

/**
 * A fresh profile in which `username` registered with "Keep me signed in" (so `session.enc`
 * holds its session), closed again; returns its directory, the secret store's key (a runtime
 * built with it restores that user) and its database opened for seeding.
 */
export async function signedInProfile(
  prefix: string,
  username: string,
  password: string,
): Promise<{ dir: string; key: Buffer; file: string; db: Db }> {
  const dir = benchDir(prefix);
  const key = crypto.randomBytes(32);
  const runtime = await createSessionRuntime({
    dataDir: dir,
    secretStore: new FakeSecretStore(key),
    migrationsDir: MIGRATIONS_DIR,
    device: 'bench-host (linux)',
  });
  const registered = await runtime.invoke('auth:register', {
    username,
    password,
    rememberMe: true,
  });
  if (!registered.ok)
    throw new Error(`${prefix} fixture: register failed: ${registered.error.code}`);
  await runtime.close();
  const file = path.join(dir, DATA_FILES.database);
  return { dir, key, file, db: openDatabase(file) };
}

/** Adds `count` users named `bench-000001`… with a placeholder hash (they never sign in). */
export function seedUsers(db: Db, count: number, now: number): void {
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO users (username, password_hash, is_active, created_at, updated_at, password_changed_at)
     SELECT 'bench-' || printf('%06d', i), 'placeholder', 1, ?, ?, ? FROM n`,
  ).run(count, now, now, now);
}

/**
 * Adds `count` sessions spread over the users with ids in [firstUserId, firstUserId + users).
 * With `expiredEvery` = k, every row whose number is not a multiple of k is long expired and
 * the others are live, interleaved the way real rows are (old and new sessions side by side).
 * Without it every row is live.
 */
export function seedSessions(
  db: Db,
  options: {
    count: number;
    now: number;
    firstUserId: number;
    users: number;
    expiredEvery?: number;
  },
): void {
  const k = options.expiredEvery ?? 0;
  const liveExpr = k > 0 ? `(i % ${k} = 0)` : '1';
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
     INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me, device, ip_address)
     SELECT id, user_id, secret_hash, created_at, created_at, expires_at, min(expires_at, created_at + @idle), 1, 'bench-host (linux)', NULL
     FROM (
       SELECT ${SQL_UUID_V4} AS id,
              @firstUserId + (i % @users) AS user_id,
              randomblob(32) AS secret_hash,
              CASE WHEN ${liveExpr} THEN @now - (i % 86400000) ELSE @now - 60 * @day + i END AS created_at,
              CASE WHEN ${liveExpr} THEN @now - (i % 86400000) + 30 * @day ELSE @now - 30 * @day + i END AS expires_at,
              i
       FROM n
     )`,
  ).run({
    count: options.count,
    now: options.now,
    firstUserId: options.firstUserId,
    users: options.users,
    idle: 7 * DAY,
    day: DAY,
  });
}

/** Bytes the database occupies once its WAL is folded in. */
export function databaseBytes(db: Db): number {
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = db.pragma('page_count', { simple: true }) as number;
  const size = db.pragma('page_size', { simple: true }) as number;
  return pages * size;
}

/** The repository's `migrations/` folder. */
export { MIGRATIONS_DIR };
