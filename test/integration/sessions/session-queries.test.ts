/** The session queries, those the maintenance CLI uses included, and the plans SQLite picks. */
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/core/db/open-database';
import {
  countSessions,
  listSessions,
  SESSION_SQL,
  sessionQueries,
} from '../../../src/core/sessions/session-queries';
import { insertUser } from '../../helpers/db';
import { HOUR, remainingIds, seed, seedExpired, sessionsWorld } from '../../helpers/sessions';

const w = sessionsWorld();

/** ada: an active session, an expired one, a remembered one; grace: one active session. */
function population() {
  const now = w.clock.time;
  const grace = insertUser(w.db, 'grace', now);
  const [adaActive, adaExpired, adaRemembered] = seed(w.db, [
    { userId: w.userId, idleExpiresAt: now + HOUR, lastActiveAt: now - 3000, device: 'desk' },
    { userId: w.userId, idleExpiresAt: now, lastActiveAt: now - 1000 },
    { userId: w.userId, idleExpiresAt: now + 1, lastActiveAt: now - 2000, rememberMe: true },
  ]);
  const [graceActive] = seed(w.db, [
    { userId: grace, idleExpiresAt: now + HOUR, lastActiveAt: now - 500 },
  ]);
  return {
    now,
    grace,
    adaActive: adaActive!,
    adaExpired: adaExpired!,
    adaRemembered: adaRemembered!,
    graceActive: graceActive!,
  };
}

describe('listSessions (the CLI: list [--user] [--limit])', () => {
  it('lists every session with its username, newest activity first, whatever its state', () => {
    const p = population();
    const listed = listSessions(w.db);
    expect(listed.map((s) => s.id)).toEqual([
      p.graceActive,
      p.adaExpired,
      p.adaRemembered,
      p.adaActive,
    ]);
    expect(listed.map((s) => s.username)).toEqual(['grace', 'ada', 'ada', 'ada']);
    expect(listed[3]).toMatchObject({
      userId: w.userId,
      device: 'desk',
      rememberMe: false,
      idleExpiresAt: p.now + HOUR,
      lastActiveAt: p.now - 3000,
    });
    expect(listed[2]!.rememberMe).toBe(true);
  });

  it('keeps one account, and the first `limit` (omitted: all)', () => {
    const p = population();
    expect(listSessions(w.db, { userId: p.grace }).map((s) => s.id)).toEqual([p.graceActive]);
    expect(listSessions(w.db, { userId: w.userId, limit: 2 }).map((s) => s.id)).toEqual([
      p.adaExpired,
      p.adaRemembered,
    ]);
    expect(listSessions(w.db, { limit: 0 })).toEqual([]);
    expect(listSessions(w.db, { userId: 999 })).toEqual([]);
    expect(() => listSessions(w.db, { limit: -1 })).toThrow(RangeError);
    expect(() => listSessions(w.db, { limit: 1.5 })).toThrow(RangeError);
  });

  it('never returns a secret hash', () => {
    population();
    expect(JSON.stringify(listSessions(w.db))).not.toMatch(/secret|hash/i);
    for (const session of listSessions(w.db))
      expect(Object.keys(session)).not.toContain('secretHash');
  });

  it('works on a read-only connection, as the CLI opens one for list and stats', () => {
    const p = population();
    const readonly = openDatabase(w.file, { readonly: true });
    try {
      expect(listSessions(readonly)).toHaveLength(4);
      expect(countSessions(readonly, p.now).total).toBe(4);
    } finally {
      readonly.close();
    }
  });
});

describe('countSessions (the CLI: stats, and list’s “n more”)', () => {
  it('counts total, active, expired (idle deadline reached) and remembered at an instant', () => {
    const p = population();
    expect(countSessions(w.db, p.now)).toEqual({ total: 4, active: 3, expired: 1, remembered: 1 });
    expect(countSessions(w.db, p.now + 1)).toEqual({
      total: 4,
      active: 2,
      expired: 2,
      remembered: 0,
    });
    expect(countSessions(w.db, p.now, { userId: w.userId })).toEqual({
      total: 3,
      active: 2,
      expired: 1,
      remembered: 1,
    });
    expect(countSessions(w.db, p.now, { userId: 999 })).toEqual({
      total: 0,
      active: 0,
      expired: 0,
      remembered: 0,
    });
  });
});

describe('sessionQueries', () => {
  it('deleteExpired deletes at most the batch size, oldest first, and only expired rows', () => {
    const now = w.clock.time;
    seedExpired(w.db, w.userId, now, 10);
    const [live] = seed(w.db, [{ userId: w.userId, idleExpiresAt: now + 1 }]);
    const queries = sessionQueries(w.db);
    const oldest = w.db
      .prepare('SELECT id FROM sessions ORDER BY idle_expires_at LIMIT 4')
      .pluck()
      .all() as string[];
    expect(queries.deleteExpired(now, 4)).toBe(4);
    for (const id of oldest) expect(remainingIds(w.db).has(id)).toBe(false);
    expect(queries.deleteExpired(now, 4)).toBe(4);
    expect(queries.deleteExpired(now, 4)).toBe(2);
    expect(queries.deleteExpired(now, 4)).toBe(0);
    expect(remainingIds(w.db)).toEqual(new Set([live]));
  });

  it('is one set of statements per connection', () => {
    expect(sessionQueries(w.db)).toBe(sessionQueries(w.db));
    const other = openDatabase(w.file);
    try {
      expect(sessionQueries(other)).not.toBe(sessionQueries(w.db));
    } finally {
      other.close();
    }
  });

  it('uses an index for every lookup, and none uses the absolute-cap index (dropped)', () => {
    const plans = Object.entries(SESSION_SQL)
      .filter(([, sql]) => !sql.startsWith('PRAGMA'))
      .map(([name, sql]) => {
        const params = (sql.match(/\?/g) ?? []).map(() => 1);
        const rows = w.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{
          detail: string;
        }>;
        return { name, plan: rows.map((r) => r.detail).join('; ') };
      });
    const indexed: Record<string, RegExp> = {
      getWithUser: /SEARCH s USING INDEX sqlite_autoindex_sessions_1/,
      touch: /SEARCH sessions USING INDEX sqlite_autoindex_sessions_1/,
      deleteById: /SEARCH sessions USING INDEX sqlite_autoindex_sessions_1/,
      deleteByUser: /SEARCH sessions USING (COVERING )?INDEX sessions_user_id/,
      liveByUser: /SEARCH s USING INDEX sessions_user_id/,
      countLive: /SEARCH sessions USING COVERING INDEX sessions_idle_expires_at/,
      deleteExpired: /SEARCH sessions USING COVERING INDEX sessions_idle_expires_at/,
      listUser: /SEARCH s USING INDEX sessions_user_id/,
    };
    for (const { name, plan } of plans) {
      expect(plan, name).not.toMatch(/sessions_expires_at/);
      if (indexed[name]) expect(plan, name).toMatch(indexed[name]);
    }
  });
});
