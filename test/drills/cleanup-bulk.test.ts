/**
 * Drill: a large cleanup backlog. `cleanupExpiredSessions` deletes it on the main thread in short
 * committed batches: it must delete exactly the expired rows, stop cleanly between two batches on
 * abort (nothing open, the automatic checkpoint given back), keep the event loop turning, and in
 * the runtime run each batch as one task of the request queue, so that requests made meanwhile
 * run between two batches and commit on their own. Speed is printed, never asserted.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/core/db/open-database';
import { SessionManager } from '../../src/core/sessions/session-manager';
import type { SessionEvent } from '../../src/core/sessions/session-types';
import { ManualClock } from '../helpers/clock';
import { insertUser, migratedDb } from '../helpers/db';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { since } from '../helpers/drill-helpers';

const DAY = 24 * 3_600_000;

/** `expired` long-expired rows and `live` live ones, interleaved, for one user. */
function seed(db: Db, now: number, userId: number, expired: number, live: number): void {
  const every = (expired + live) / live;
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
     INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me, device)
     SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
            @userId, randomblob(32), @created, @created,
            CASE WHEN i % @every = 0 THEN @now + @day ELSE @now - @day + i END,
            CASE WHEN i % @every = 0 THEN @now + @day ELSE @now - @day + i END, 0, 'seed'
     FROM n`,
  ).run({ count: expired + live, userId, created: now - 2 * DAY, now, day: DAY, every });
}

function count(db: Db, now: number): { expired: number; live: number } {
  const one = (sql: string): number => db.prepare(sql).pluck().get(now) as number;
  return {
    expired: one('SELECT count(*) FROM sessions WHERE idle_expires_at <= ?'),
    live: one('SELECT count(*) FROM sessions WHERE idle_expires_at > ?'),
  };
}

describe('drill: a large cleanup backlog', () => {
  it(
    '40,000 expired among 4,001 live: exact, abortable between batches, event loop kept turning',
    { timeout: 120_000 },
    async () => {
      const { db } = migratedDb();
      const clock = new ManualClock();
      const userId = insertUser(db, 'ada', clock.time);
      seed(db, clock.time, userId, 40_000, 4_000);
      const events: SessionEvent[] = [];
      const sessions = new SessionManager({ db, clock, onEvent: (e) => events.push(e) });
      const live = sessions.createSession({ userId, rememberMe: true });
      expect(sessions.validateSession(live.token).valid).toBe(true); // cached now

      // Aborted after the third batch: stops there, nothing left open.
      const controller = new AbortController();
      let batches = 0;
      const started = performance.now();
      const partial = await sessions.cleanupExpiredSessions({
        signal: controller.signal,
        runBatch: async (batch) => {
          batches += 1;
          const result = batch();
          if (batches === 3) controller.abort();
          return result;
        },
      });
      expect(batches).toBe(3);
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(40_000);
      expect(db.inTransaction).toBe(false);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      expect(count(db, clock.time)).toEqual({ expired: 40_000 - partial, live: 4_001 });

      // The rest, with a probe on the event loop: it must keep turning.
      let turns = 0;
      let running = true;
      const tick = (): void => {
        turns += 1;
        if (running) setImmediate(tick);
      };
      setImmediate(tick);
      let rounds = 0;
      const turnsAtStart = turns;
      let turnsDuring = 0;
      const rest = await sessions.cleanupExpiredSessions({
        runBatch: async (batch) => {
          rounds += 1;
          // Every batch after the first sees the probe turned since the one before.
          if (rounds > 1) expect(turns).toBeGreaterThan(turnsDuring);
          turnsDuring = turns;
          return batch();
        },
      });
      running = false;
      expect(turns).toBeGreaterThan(turnsAtStart);
      expect(partial + rest).toBe(40_000);
      expect(count(db, clock.time)).toEqual({ expired: 0, live: 4_001 });
      expect(db.inTransaction).toBe(false);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      expect(sessions.validateSession(live.token)).toMatchObject({ valid: true });
      expect(events.filter((e) => e.type === 'sessions-cleaned')).toEqual([
        { type: 'sessions-cleaned', count: partial },
        { type: 'sessions-cleaned', count: rest },
      ]);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      console.log(
        `cleanup backlog: 40,000 expired among 4,001 live: ${partial} in 3 batches before an abort, ${rest} after in ${rounds} batches (checkpoints included), ${turns - turnsAtStart} event-loop turns meanwhile, ${since(started)} ms`,
      );
    },
  );

  it(
    'in the runtime: requests made during a cleanup run between its batches and commit on their own',
    { timeout: 120_000 },
    async () => {
      const profile = new TestProfile();
      const runtime = await profile.start({ config: { externalChangePollMs: 3_600_000 } });
      await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
      // The startup cleanup (of nothing) is over before the backlog appears.
      await runtime.runCleanup();
      const observer = profile.openDb();
      seed(observer, profile.clock.time, 1, 60_000, 6_000);

      let cleaned = false;
      const started = performance.now();
      const cleaning = runtime.runCleanup().then((deleted) => {
        cleaned = true;
        return deleted;
      });
      // Queued behind the cleanup's first batch, so they run before its second.
      const validating = runtime.invoke('auth:validate', {});
      const signingIn = runtime.invoke('auth:login', { username: 'ada', password: PASSWORD });
      expect(await validating).toMatchObject({ ok: true, value: { authenticated: true } });
      expect(cleaned).toBe(false);
      expect(await signingIn).toMatchObject({ ok: true, value: { authenticated: true } });
      expect(cleaned).toBe(false);
      const waitedMs = since(started);
      const state = runtime.getState();
      if (!state.authenticated) throw new Error('not signed in');
      // Committed already, visible from another connection while the cleanup goes on.
      expect(
        observer
          .prepare("SELECT count(*) FROM audit_log WHERE event = 'sign-in' AND session_id = ?")
          .pluck()
          .get(state.session.id),
      ).toBe(1);
      expect(count(observer, profile.clock.time).expired).toBeGreaterThan(0);

      expect(await cleaning).toBe(60_000);
      const cleanedMs = since(started);
      expect(count(observer, profile.clock.time)).toEqual({ expired: 0, live: 6_001 });
      expect(await runtime.invoke('auth:validate', {})).toMatchObject({
        ok: true,
        value: { authenticated: true },
      });
      expect(await runtime.audit.verify()).toMatchObject({ ok: true });

      // Closing while a cleanup runs: it stops between two batches, nothing is left open.
      seed(observer, profile.clock.time, 1, 60_000, 6_000);
      const again = runtime.runCleanup();
      await runtime.invoke('auth:validate', {}); // the first batch has run
      await runtime.close();
      const partly = await again;
      expect(partly).toBeGreaterThan(0);
      expect(partly).toBeLessThan(60_000);
      expect(count(observer, profile.clock.time).expired).toBe(60_000 - partly);
      expect(observer.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(profile.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
      console.log(
        `cleanup in the runtime: a validation and a sign-in queued behind a 60,000-row cleanup answered within ${waitedMs} ms and committed on their own; the cleanup took ${cleanedMs} ms; close() mid-cleanup stopped it after ${partly} rows`,
      );
    },
  );
});
