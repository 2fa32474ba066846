/** What the sessions tests share: a migrated database, a manual clock, a user, seeded rows. */
import crypto from 'node:crypto';
import { beforeEach } from 'vitest';
import type { Db } from '../../src/core/db/open-database';
import { SessionManager } from '../../src/core/sessions/session-manager';
import type { SessionEvent, SessionManagerOptions } from '../../src/core/sessions/session-types';
import { ManualClock } from './clock';
import { insertUser, migratedDb } from './db';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/**
 * The fields every listing of a session shows, the app's `auth:sessions` and the CLI's `list`
 * alike; each adds its own. Written out, so that a field added or dropped fails a test.
 */
export const SESSION_FIELDS = [
  'createdAt',
  'device',
  'expiresAt',
  'id',
  'idleExpiresAt',
  'lastActiveAt',
  'rememberMe',
] as const;

/** One test's world; fields are replaced before each test. */
export interface SessionsWorld {
  db: Db;
  file: string;
  clock: ManualClock;
  events: SessionEvent[];
  /** The user `ada`. */
  userId: number;
  /** A manager on `db` with the world's clock and event sink. */
  manager(config?: SessionManagerOptions['config']): SessionManager;
}

/** Registers a `beforeEach` that builds a fresh world, and returns it. */
export function sessionsWorld(): SessionsWorld {
  const world = {} as SessionsWorld;
  beforeEach(() => {
    const { db, file } = migratedDb();
    const clock = new ManualClock();
    const events: SessionEvent[] = [];
    Object.assign(world, {
      db,
      file,
      clock,
      events,
      userId: insertUser(db, 'ada', clock.time),
      manager: (config: SessionManagerOptions['config'] = {}) =>
        new SessionManager({ db, clock, config, onEvent: (e) => events.push(e) }),
    });
  });
  return world;
}

/** A session row written directly (no token): for cleanup and listing tests. */
export interface SeedRow {
  id?: string;
  userId: number;
  idleExpiresAt: number;
  /** Defaults to the idle deadline (the absolute cap is never before it). */
  expiresAt?: number;
  lastActiveAt?: number;
  rememberMe?: boolean;
  device?: string;
}

/** Inserts rows in one transaction; returns their ids in order. */
export function seed(db: Db, rows: SeedRow[]): string[] {
  const insert = db.prepare(
    `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me, device)
     VALUES (?, ?, randomblob(32), ?, ?, ?, ?, ?, ?)`,
  );
  return db.transaction(() =>
    rows.map((row) => {
      const id = row.id ?? crypto.randomUUID();
      const lastActive = row.lastActiveAt ?? row.idleExpiresAt - HOUR;
      insert.run(
        id,
        row.userId,
        lastActive,
        lastActive,
        row.expiresAt ?? row.idleExpiresAt,
        row.idleExpiresAt,
        row.rememberMe ? 1 : 0,
        row.device ?? '',
      );
      return id;
    }),
  )();
}

/** `count` rows of `userId`, all expired by `now` (each a little earlier than the last). */
export function seedExpired(db: Db, userId: number, now: number, count: number): void {
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
     INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me)
     SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
            ?, randomblob(32), ? - 2 * ? - i, ? - 2 * ? - i, ? - i, ? - i, 0
     FROM n`,
  ).run(count, userId, now, DAY, now, DAY, now, now);
}

/** Ids of every row left in the table. */
export function remainingIds(db: Db): Set<string> {
  return new Set(db.prepare('SELECT id FROM sessions').pluck().all() as string[]);
}
