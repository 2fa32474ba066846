/**
 * cleanupExpiredSessions: one loop of short committed batches on this thread, each through
 * `runBatch`. No assertion here depends on how fast the machine is: batch sizes adapt to the
 * clock of the machine, so only what holds for any sizes is checked.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../src/core/db/open-database';
import { SerialQueue } from '../../../src/core/runtime/serial-queue';
import { nextBatchRows } from '../../../src/core/sessions/session-cleanup';
import type { BatchRunner } from '../../../src/core/sessions/session-types';
import { DAY, remainingIds, seed, seedExpired, sessionsWorld } from '../../helpers/sessions';

const w = sessionsWorld();

/** Calls `onDelete` for every row deleted from `sessions` on `db` (a temporary trigger). */
function watchDeletes(db: Db, onDelete: () => void): void {
  db.function('note_session_delete', () => {
    onDelete();
    return null;
  });
  db.exec(
    'CREATE TEMP TRIGGER note_session_delete AFTER DELETE ON main.sessions BEGIN SELECT note_session_delete(); END',
  );
}

/** The WAL's state, read without checkpointing (SQLite's NOOP mode). */
function walState(db: Db): string {
  return JSON.stringify(db.pragma('wal_checkpoint(NOOP)'));
}

describe('cleanupExpiredSessions', () => {
  it('deletes exactly the rows whose idle deadline has passed: -1 ms and 0 go, +1 ms stays', async () => {
    const sessions = w.manager();
    const now = w.clock.time;
    const [gone1, gone0, kept] = seed(w.db, [
      { userId: w.userId, idleExpiresAt: now - 1 },
      { userId: w.userId, idleExpiresAt: now },
      { userId: w.userId, idleExpiresAt: now + 1 },
    ]);
    // The absolute cap at the same three instants (the idle deadline is never after it).
    const [capGone1, capGone0, capKept] = seed(w.db, [
      { userId: w.userId, idleExpiresAt: now - DAY, expiresAt: now - 1 },
      { userId: w.userId, idleExpiresAt: now - 1, expiresAt: now },
      { userId: w.userId, idleExpiresAt: now + 1, expiresAt: now + 1 },
    ]);
    expect(await sessions.cleanupExpiredSessions()).toBe(4);
    expect(remainingIds(w.db)).toEqual(new Set([kept, capKept]));
    for (const id of [gone1, gone0, capGone1, capGone0])
      expect(remainingIds(w.db).has(id!)).toBe(false);
    expect(w.events).toEqual([{ type: 'sessions-cleaned', count: 4 }]);
    // Nothing is left to do, and nothing is reported for nothing.
    expect(await sessions.cleanupExpiredSessions()).toBe(0);
    expect(w.events).toHaveLength(1);
  });

  it('removes exactly the expired rows of a large mixed table and reports the total once', async () => {
    const sessions = w.manager();
    const now = w.clock.time;
    const rows = Array.from({ length: 25_000 }, (_, i) => {
      // A third live, a third past the idle deadline, a third past the absolute cap.
      const kind = i % 3;
      const expiresAt = kind === 2 ? now - 1 - i : now + DAY;
      const idleExpiresAt = kind === 0 ? now + 1 + (i % 1000) : Math.min(now - (i % 5), expiresAt);
      return { id: crypto.randomUUID(), userId: w.userId, idleExpiresAt, expiresAt };
    });
    seed(w.db, rows);
    const live = new Set(rows.filter((_, i) => i % 3 === 0).map((r) => r.id));
    const deleted = await sessions.cleanupExpiredSessions();
    expect(deleted).toBe(25_000 - live.size);
    expect(remainingIds(w.db)).toEqual(live);
    expect(w.events).toEqual([{ type: 'sessions-cleaned', count: deleted }]);
  });

  it('runs every delete and every checkpoint inside runBatch, yielding between batches', async () => {
    const sessions = w.manager();
    seedExpired(w.db, w.userId, w.clock.time, 5000);
    let inBatch = false;
    let deletesOutside = 0;
    watchDeletes(w.db, () => {
      if (!inBatch) deletesOutside += 1;
    });
    let batches = 0;
    let walAfterLast = walState(w.db);
    let walChangedOutside = false;
    let yielded = true;
    const runBatch: BatchRunner = async (batch) => {
      // An immediate scheduled in the previous batch has run: the loop yielded in between.
      expect(yielded).toBe(true);
      if (walState(w.db) !== walAfterLast) walChangedOutside = true;
      inBatch = true;
      try {
        return batch();
      } finally {
        inBatch = false;
        batches += 1;
        walAfterLast = walState(w.db);
        yielded = false;
        setImmediate(() => (yielded = true));
      }
    };
    expect(await sessions.cleanupExpiredSessions({ runBatch })).toBe(5000);
    expect(deletesOutside).toBe(0);
    expect(walChangedOutside).toBe(false);
    // The first batch is 100 rows and a batch at most doubles: 5,000 rows take several.
    expect(batches).toBeGreaterThan(1);
    expect(w.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
  });

  it('lets work queued on the same serial queue run between its batches', async () => {
    const sessions = w.manager();
    seedExpired(w.db, w.userId, w.clock.time, 5000);
    const queue = new SerialQueue(); // the runtime's request queue
    const order: string[] = [];
    let request: Promise<void> | null = null;
    const cleaning = sessions
      .cleanupExpiredSessions({
        runBatch: (batch) =>
          queue.run(() => {
            const result = batch();
            order.push('batch');
            // A request arrives while the first batch runs (the app's queue gets a sign-in).
            request ??= queue.run(() => {
              order.push('request');
            });
            return result;
          }),
      })
      .then((count) => {
        order.push('cleanup done');
        return count;
      });
    expect(await cleaning).toBe(5000);
    await request;
    expect(order.indexOf('request')).toBe(1);
    expect(order.lastIndexOf('batch')).toBeGreaterThan(order.indexOf('request'));
    expect(order.at(-1)).toBe('cleanup done');
  });

  it('stops between batches when the signal aborts, leaving no transaction open', async () => {
    const sessions = w.manager();
    seedExpired(w.db, w.userId, w.clock.time, 5000);
    const controller = new AbortController();
    let ran = 0;
    const partial = await sessions.cleanupExpiredSessions({
      signal: controller.signal,
      runBatch: async (batch) => {
        ran += 1;
        const result = batch();
        controller.abort();
        return result;
      },
    });
    expect(ran).toBe(1);
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(5000);
    expect(w.db.inTransaction).toBe(false);
    expect(w.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(w.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(5000 - partial);
    expect(w.events).toEqual([{ type: 'sessions-cleaned', count: partial }]);
    // A batch queued before the abort and run after it does nothing.
    const late = new AbortController();
    let queued: (() => unknown) | null = null;
    const skipped = sessions.cleanupExpiredSessions({
      signal: late.signal,
      runBatch: (batch) =>
        new Promise((resolve) => {
          queued = () => resolve(batch());
        }),
    });
    await new Promise((resolve) => setImmediate(resolve));
    late.abort();
    (queued as unknown as () => unknown)();
    expect(await skipped).toBe(0);
    expect(w.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(5000 - partial);
    // The next cleanup finishes the job.
    expect(await sessions.cleanupExpiredSessions()).toBe(5000 - partial);
  });

  it('keeps the WAL within the automatic checkpoint’s bound and gives that setting back', async () => {
    const sessions = w.manager();
    seedExpired(w.db, w.userId, w.clock.time, 40_000);
    w.db.pragma('wal_checkpoint(TRUNCATE)');
    const seen = new Set<number>();
    const deleted = await sessions.cleanupExpiredSessions({
      runBatch: async (batch) => {
        seen.add(w.db.pragma('wal_autocheckpoint', { simple: true }) as number);
        return batch();
      },
    });
    expect(deleted).toBe(40_000);
    // Suspended while it ran (no checkpoint inside a delete), restored after.
    expect(seen).toEqual(new Set([0]));
    expect(w.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    // 40,000 deleted rows write about 40,000 pages; checkpoints between batches let the WAL
    // restart instead of holding them all (4 KiB each).
    expect(fs.statSync(`${w.file}-wal`).size).toBeLessThan(4000 * 4096);
  });

  it('gives the automatic checkpoint back once, to its own value, after overlapping cleanups', async () => {
    w.db.pragma('wal_autocheckpoint = 500');
    seedExpired(w.db, w.userId, w.clock.time, 3000);
    const [a, b] = await Promise.all([
      w.manager().cleanupExpiredSessions(),
      w.manager().cleanupExpiredSessions(),
    ]);
    expect(a! + b!).toBe(3000);
    expect(w.db.pragma('wal_autocheckpoint', { simple: true })).toBe(500);
  });

  it('leaves checkpoints to a host that turned the automatic ones off', async () => {
    w.db.pragma('wal_autocheckpoint = 0');
    const sessions = w.manager();
    seedExpired(w.db, w.userId, w.clock.time, 3000);
    const before = walState(w.db);
    expect(await sessions.cleanupExpiredSessions()).toBe(3000);
    const after = JSON.parse(walState(w.db)) as Array<{ checkpointed: number }>;
    expect(after[0]!.checkpointed).toBe(
      (JSON.parse(before) as Array<{ checkpointed: number }>)[0]!.checkpointed,
    );
    expect(w.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  });

  it('reports what committed when a later batch fails, and leaves nothing open', async () => {
    const sessions = w.manager();
    seedExpired(w.db, w.userId, w.clock.time, 5000);
    // From the third batch on, the tenth row a batch deletes fails (a disk error mid-statement).
    let calls = 0;
    let deletesInBatch = 0;
    watchDeletes(w.db, () => {
      deletesInBatch += 1;
      if (calls >= 3 && deletesInBatch === 10) throw new Error('disk trouble');
    });
    const runBatch: BatchRunner = async (batch) => {
      calls += 1;
      deletesInBatch = 0;
      return batch();
    };
    await expect(sessions.cleanupExpiredSessions({ runBatch })).rejects.toThrow(/disk trouble/);
    const remaining = w.db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
    // The batches before it committed, and are reported; the failing one rolled back whole.
    expect(w.events).toEqual([{ type: 'sessions-cleaned', count: 5000 - remaining }]);
    expect(5000 - remaining).toBeGreaterThan(0);
    expect(w.db.inTransaction).toBe(false);
    expect(w.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });

  it('forgets cached sessions it deleted, and keeps the live ones', async () => {
    const sessions = w.manager({ standardIdleTimeoutMs: 1000 });
    const short = sessions.createSession({ userId: w.userId, rememberMe: false });
    const long = sessions.createSession({ userId: w.userId, rememberMe: true });
    sessions.validateSession(short.token);
    sessions.validateSession(long.token);
    expect(sessions.getSessionCount().memoryCache).toBe(2);
    w.clock.advance(1000);
    expect(await sessions.cleanupExpiredSessions()).toBe(1);
    expect(sessions.getSessionCount().memoryCache).toBe(1);
    expect(sessions.validateSession(short.token)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.validateSession(long.token).valid).toBe(true);
    // The cleanup reported it; validation found no row to end.
    expect(w.events).toEqual([{ type: 'sessions-cleaned', count: 1 }]);
  });
});

describe('nextBatchRows', () => {
  it('aims at the budget, at most doubling or halving, within bounds', () => {
    expect(nextBatchRows(100, 2, 4)).toBe(200);
    expect(nextBatchRows(100, 0, 4)).toBe(200);
    expect(nextBatchRows(100, 5, 4)).toBe(80);
    expect(nextBatchRows(100, 1000, 4)).toBe(50);
    expect(nextBatchRows(20, 1000, 4)).toBe(16);
    expect(nextBatchRows(40_000, 0.5, 4)).toBe(50_000);
  });
});
