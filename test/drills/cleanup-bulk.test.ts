/**
 * Drill: a large cleanup backlog. `cleanupExpiredSessions` moves a large backlog to bulk mode
 * (a worker thread with its own connection, or the same transactions on this thread without
 * one): it must delete exactly the expired rows, keep the event loop turning, run every bulk
 * transaction through `runExclusive`, stop cleanly on abort, leave no transaction open, and
 * give the connection its automatic checkpoint back. In the runtime, requests made during a
 * bulk cleanup wait for the current transaction and then commit on their own.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { SessionManager, type SessionEvent } from '../../src/core/sessions/session-manager';
import { ManualClock } from '../helpers/clock';
import { insertUser, migratedDb } from '../helpers/db';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { since } from './drill-helpers';

const DAY = 24 * 3_600_000;

/** `expired` long-expired rows and `live` live ones, interleaved, for one user. */
function seed(db: Db, now: number, userId: number, expired: number, live: number): void {
  const every = (expired + live) / live;
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < @count)
     INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me, device)
     SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
            @userId, randomblob(32), @created, @created,
            CASE WHEN i % @every = 0 THEN @now + @day ELSE @now - @day END,
            CASE WHEN i % @every = 0 THEN @now + @day ELSE @now - @day END, 0, 'seed'
     FROM n`,
  ).run({ count: expired + live, userId, created: now - 2 * DAY, now, day: DAY, every });
}

function count(db: Db, now: number): { expired: number; live: number } {
  return {
    expired: db
      .prepare('SELECT count(*) FROM sessions WHERE idle_expires_at <= ?')
      .pluck()
      .get(now) as number,
    live: db
      .prepare('SELECT count(*) FROM sessions WHERE idle_expires_at > ?')
      .pluck()
      .get(now) as number,
  };
}

/** Resolves once `condition` holds, checking between event-loop turns (10 s at most). */
async function until(condition: () => boolean): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not reached within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('drill: a large cleanup backlog', () => {
  for (const useWorker of [true, false]) {
    it(
      `bulk mode ${useWorker ? 'on a worker thread' : 'on this thread'}: exact, exclusive, abortable, event loop kept turning`,
      { timeout: 60_000 },
      async () => {
        const { db } = migratedDb();
        const clock = new ManualClock();
        const userId = insertUser(db, 'ada', clock.time);
        seed(db, clock.time, userId, 40_000, 4_000);
        const events: SessionEvent[] = [];
        const sessions = new SessionManager({ db, clock, onEvent: (e) => events.push(e) });
        const live = sessions.createSession({ userId, rememberMe: true });
        expect(sessions.validateSession(live.token).valid).toBe(true); // cached now

        // Aborted after the first bulk transaction: stops there, nothing left open.
        const controller = new AbortController();
        let exclusive = 0;
        const started = performance.now();
        const partial = await sessions.cleanupExpiredSessions({
          signal: controller.signal,
          bulkAfterSteps: 2,
          bulkTransactionMs: 20,
          useWorker,
          runExclusive: async (work) => {
            exclusive += 1;
            const result = await work();
            controller.abort();
            return result;
          },
        });
        expect(exclusive).toBe(1);
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
        let slices = 0;
        const rest = await sessions.cleanupExpiredSessions({
          bulkAfterSteps: 2,
          bulkTransactionMs: 20,
          useWorker,
          runExclusive: async (work) => {
            slices += 1;
            return work();
          },
        });
        running = false;
        expect(partial + rest).toBe(40_000);
        expect(count(db, clock.time)).toEqual({ expired: 0, live: 4_001 });
        // How many transactions and event-loop turns that took depends on the machine: reported
        // below, never asserted.
        expect(db.inTransaction).toBe(false);
        expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
        expect(sessions.validateSession(live.token)).toMatchObject({ valid: true });
        expect(events.filter((e) => e.type === 'sessions-cleaned')).toEqual([
          { type: 'sessions-cleaned', count: partial },
          { type: 'sessions-cleaned', count: rest },
        ]);
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        console.log(
          `cleanup bulk (${useWorker ? 'worker' : 'same thread'}): 40,000 expired among 4,001 live: ${partial} before an abort, ${rest} after in ${slices} transactions, ${turns} event-loop turns meanwhile, ${since(started)} ms`,
        );
      },
    );
  }

  it(
    'in the runtime: a sign-in during a bulk cleanup waits for the current transaction, then commits on its own',
    { timeout: 60_000 },
    async () => {
      const profile = new TestProfile();
      const runtime = await profile.start({ config: { externalChangePollMs: 3_600_000 } });
      await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
      const db = openDatabase(path.join(profile.dir, 'sessions.db'));
      seed(db, profile.clock.time, 1, 60_000, 6_000);
      const observer = db;
      const cleaning = runtime.runCleanup();
      // Sign in once the cleanup is under way (it has committed something).
      await until(() => count(observer, profile.clock.time).expired < 60_000);
      const started = performance.now();
      const login = await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD });
      const waitedMs = since(started);
      expect(login).toMatchObject({ ok: true, value: { authenticated: true } });
      const state = runtime.getState();
      if (!state.authenticated) throw new Error('not signed in');
      // Committed already, visible from another connection while the cleanup goes on.
      expect(
        observer
          .prepare("SELECT count(*) FROM audit_log WHERE event = 'sign-in' AND session_id = ?")
          .pluck()
          .get(state.session.id),
      ).toBe(1);
      const deleted = await cleaning;
      expect(deleted).toBe(60_000);
      expect(count(observer, profile.clock.time).expired).toBe(0);
      expect(await runtime.audit.verify()).toMatchObject({ ok: true });
      // Closing while a bulk cleanup runs: it stops between transactions, nothing is left open.
      seed(db, profile.clock.time, 1, 60_000, 6_000);
      const again = runtime.runCleanup();
      await until(() => count(observer, profile.clock.time).expired < 60_000);
      await runtime.close();
      // Whether it stopped early depends on where the close landed (the abort itself is pinned
      // down by the unit test above); what matters is that it ended cleanly.
      const partly = await again;
      expect(partly).toBeGreaterThan(0);
      expect(partly).toBeLessThanOrEqual(60_000);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(profile.logger.lines.filter((l) => l.level === 'error')).toEqual([]);
      db.close();
      console.log(
        `cleanup bulk in the runtime: a sign-in waited ${waitedMs} ms behind a 60,000-row cleanup and committed on its own; close() mid-cleanup stopped it after ${partly} rows`,
      );
    },
  );
});
