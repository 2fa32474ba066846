import fs from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { SessionManager, type SessionEvent } from '../../src/core/sessions/session-manager';
import { ManualClock } from '../helpers/clock';
import { insertUser, migratedDb } from '../helpers/db';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let db: Db;
let file: string;
let clock: ManualClock;
let events: SessionEvent[];
let userId: number;

function manager(
  config: ConstructorParameters<typeof SessionManager>[0]['config'] = {},
): SessionManager {
  return new SessionManager({ db, clock, config, onEvent: (e) => events.push(e) });
}

beforeEach(() => {
  ({ db, file } = migratedDb());
  clock = new ManualClock();
  events = [];
  userId = insertUser(db, 'ada', clock.time);
});

describe('createSession / validateSession', () => {
  it('creates a session whose token validates, with the documented lifetimes', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({
      userId,
      rememberMe: false,
      device: 'laptop',
    });
    expect(session.id).toHaveLength(36);
    expect(session).toMatchObject({
      userId,
      createdAt: clock.time,
      lastActiveAt: clock.time,
      expiresAt: clock.time + 24 * HOUR,
      idleExpiresAt: clock.time + 12 * HOUR,
      rememberMe: false,
      device: 'laptop',
      ipAddress: null,
    });
    const remembered = sessions.createSession({ userId, rememberMe: true }).session;
    expect(remembered.expiresAt - remembered.createdAt).toBe(30 * DAY);
    expect(remembered.idleExpiresAt - remembered.createdAt).toBe(7 * DAY);
    expect(sessions.validateSession(token)).toEqual({
      valid: true,
      userId,
      username: 'ada',
      session,
    });
  });

  it('reads the clock exactly once per operation', () => {
    const sessions = manager();
    clock.reads = 0;
    const { token } = sessions.createSession({ userId, rememberMe: false });
    expect(clock.reads).toBe(1);
    for (const op of [
      () => sessions.validateSession(token),
      () => sessions.validateSession(token, { touch: true }),
      () => sessions.getUserSessions(userId),
      () => sessions.getSessionCount(),
    ]) {
      clock.reads = 0;
      op();
      expect(clock.reads).toBe(1);
    }
  });

  it('rejects a forged secret for a real session id as not-found, and the real token still works', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId, rememberMe: false });
    const forged = `${session.id}.${'A'.repeat(43)}`;
    expect(sessions.validateSession(forged)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.validateSession(token).valid).toBe(true);
    expect(sessions.validateSession(forged)).toEqual({ valid: false, reason: 'not-found' });
  });

  it('rejects malformed tokens without touching the database (the connection is closed)', () => {
    const sessions = manager();
    db.close();
    for (const bad of [
      '',
      'x',
      null,
      42,
      `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}.${'A'.repeat(43)}`,
      'a'.repeat(1e6),
    ]) {
      expect(sessions.validateSession(bad)).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('never writes the raw secret to the database file or its WAL', () => {
    const sessions = manager();
    const tokens = Array.from(
      { length: 50 },
      (_, i) => sessions.createSession({ userId, rememberMe: i % 2 === 0 }).token,
    );
    for (const token of tokens) sessions.validateSession(token, { touch: true });
    const walBytes = fs.existsSync(`${file}-wal`)
      ? fs.readFileSync(`${file}-wal`)
      : Buffer.alloc(0);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const images = [fs.readFileSync(file), walBytes];
    for (const token of tokens) {
      const secretText = token.slice(37);
      const secretBytes = Buffer.from(secretText, 'base64url');
      for (const image of images) {
        expect(image.includes(Buffer.from(secretText))).toBe(false);
        expect(image.includes(secretBytes)).toBe(false);
        expect(image.includes(Buffer.from(token))).toBe(false);
      }
    }
    // The ids are stored, so the scan above could have found the tokens had they been there.
    expect(images[0]!.includes(Buffer.from(tokens[0]!.slice(0, 36)))).toBe(true);
  });

  it('refuses a user id that is not a positive integer', () => {
    expect(() => manager().createSession({ userId: 0, rememberMe: false })).toThrow(TypeError);
    expect(() => manager().createSession({ userId: 1.5, rememberMe: false })).toThrow(TypeError);
  });
});

describe('expiry boundaries (valid while now < deadline)', () => {
  const cases = [
    {
      name: 'standard absolute',
      rememberMe: false,
      lifetime: 24 * HOUR,
      idle: 48 * HOUR,
      reason: 'expired',
    },
    {
      name: 'remembered absolute',
      rememberMe: true,
      lifetime: 30 * DAY,
      idle: 60 * DAY,
      reason: 'expired',
    },
    {
      name: 'standard idle',
      rememberMe: false,
      lifetime: 24 * HOUR,
      idle: 12 * HOUR,
      reason: 'idle-timeout',
    },
    {
      name: 'remembered idle',
      rememberMe: true,
      lifetime: 30 * DAY,
      idle: 7 * DAY,
      reason: 'idle-timeout',
    },
  ] as const;

  for (const c of cases) {
    for (const cached of [true, false]) {
      it(`${c.name}${cached ? ' (cache on)' : ' (cache off)'}: -1 ms valid, 0 and +1 ms ${c.reason}`, () => {
        const sessions = manager({
          enableMemoryCache: cached,
          standardIdleTimeoutMs: c.rememberMe ? 12 * HOUR : c.idle,
          rememberedIdleTimeoutMs: c.rememberMe ? c.idle : 7 * DAY,
        });
        const deadline = clock.time + Math.min(c.lifetime, c.idle);
        const tokens = [0, 1, 2].map(
          () => sessions.createSession({ userId, rememberMe: c.rememberMe }).token,
        );
        for (const token of tokens) expect(sessions.validateSession(token).valid).toBe(true);

        clock.set(deadline - 1);
        expect(sessions.validateSession(tokens[0])).toMatchObject({ valid: true });
        clock.set(deadline);
        expect(sessions.validateSession(tokens[1])).toEqual({ valid: false, reason: c.reason });
        clock.set(deadline + 1);
        expect(sessions.validateSession(tokens[2])).toEqual({ valid: false, reason: c.reason });
        // The expired rows found by validation are gone, with an audit event each.
        expect(sessions.getSessionCount().database).toBe(1);
        expect(events.filter((e) => e.type === 'session-expired')).toHaveLength(2);
        expect(sessions.validateSession(tokens[1])).toEqual({ valid: false, reason: 'not-found' });
      });
    }
  }

  it('slides the idle deadline on activity, but never past the absolute cap', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId, rememberMe: false });
    // Active every 11 hours: the 12-hour idle limit never bites, the 24-hour cap does.
    for (let t = 11; t < 24; t += 11) {
      clock.set(session.createdAt + t * HOUR);
      const result = sessions.validateSession(token, { touch: true });
      expect(result.valid).toBe(true);
      if (result.valid) {
        expect(result.session.idleExpiresAt).toBe(
          Math.min(clock.time + 12 * HOUR, session.expiresAt),
        );
        expect(result.session.idleExpiresAt).toBeLessThanOrEqual(session.expiresAt);
      }
    }
    clock.set(session.expiresAt - 1);
    expect(sessions.validateSession(token, { touch: true }).valid).toBe(true);
    const row = db
      .prepare('SELECT idle_expires_at, expires_at FROM sessions WHERE id = ?')
      .get(session.id) as {
      idle_expires_at: number;
      expires_at: number;
    };
    expect(row.idle_expires_at).toBe(row.expires_at);
    clock.set(session.expiresAt);
    expect(sessions.validateSession(token, { touch: true })).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('writes activity at most once a minute per session', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId, rememberMe: false });
    const lastActive = () =>
      db.prepare('SELECT last_active_at FROM sessions WHERE id = ?').pluck().get(session.id);
    clock.advance(59_999);
    expect(sessions.updateSessionActivity(token)).toBe(true);
    expect(lastActive()).toBe(session.createdAt);
    clock.advance(1);
    expect(sessions.updateSessionActivity(token)).toBe(true);
    expect(lastActive()).toBe(session.createdAt + 60_000);
    clock.advance(30_000);
    sessions.updateSessionActivity(token);
    expect(lastActive()).toBe(session.createdAt + 60_000);
    expect(sessions.updateSessionActivity('not a token')).toBe(false);
  });

  it('ends the sessions of an inactive user', () => {
    const sessions = manager({ enableMemoryCache: false });
    const { token } = sessions.createSession({ userId, rememberMe: true });
    db.prepare('UPDATE users SET is_active = 0 WHERE id = ?').run(userId);
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'user-inactive' });
    expect(sessions.getSessionCount().database).toBe(0);
  });
});

describe('memory cache', () => {
  function secondConnection(): Db {
    return openDatabase(file);
  }

  it('answers from memory, and counts its entries', () => {
    const sessions = manager();
    const { token } = sessions.createSession({ userId, rememberMe: false });
    expect(sessions.getSessionCount().memoryCache).toBe(0);
    sessions.validateSession(token);
    expect(sessions.getSessionCount().memoryCache).toBe(1);
    expect(manager({ enableMemoryCache: false }).getSessionCount().memoryCache).toBe(0);
  });

  it('is never stale when another connection deletes the session', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId, rememberMe: false });
    expect(sessions.validateSession(token).valid).toBe(true);
    expect(sessions.validateSession(token).valid).toBe(true);
    const other = secondConnection();
    other.prepare('DELETE FROM sessions WHERE id = ?').run(session.id);
    other.close();
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'not-found' });
  });

  it('is never stale when another connection deactivates the user', () => {
    const sessions = manager();
    const { token } = sessions.createSession({ userId, rememberMe: true });
    expect(sessions.validateSession(token).valid).toBe(true);
    const other = secondConnection();
    other.prepare('UPDATE users SET is_active = 0 WHERE id = ?').run(userId);
    other.close();
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'user-inactive' });
  });

  it('is never stale when another connection shortens the session', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId, rememberMe: true });
    expect(sessions.validateSession(token).valid).toBe(true);
    const other = secondConnection();
    other
      .prepare('UPDATE sessions SET expires_at = ?, idle_expires_at = ? WHERE id = ?')
      .run(clock.time, clock.time, session.id);
    other.close();
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'expired' });
  });

  it('follows writes made through this manager', () => {
    const sessions = manager();
    const a = sessions.createSession({ userId, rememberMe: false });
    const b = sessions.createSession({ userId, rememberMe: false });
    sessions.validateSession(a.token);
    sessions.validateSession(b.token);
    expect(sessions.destroySession(a.session.id)).toBe(true);
    expect(sessions.validateSession(a.token)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.revokeUserSessions(userId)).toBe(1);
    expect(sessions.validateSession(b.token)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.getSessionCount().memoryCache).toBe(0);
  });

  it('keeps at most memoryCacheMaxEntries entries', () => {
    const sessions = manager({ memoryCacheMaxEntries: 3 });
    const tokens = Array.from(
      { length: 5 },
      () => sessions.createSession({ userId, rememberMe: false }).token,
    );
    for (const token of tokens) sessions.validateSession(token);
    expect(sessions.getSessionCount().memoryCache).toBe(3);
    for (const token of tokens) expect(sessions.validateSession(token).valid).toBe(true);
  });
});

describe('listing, revoking, destroying, cleanup', () => {
  it('revokeUserSessions with and without an exception, touching only that user', () => {
    const sessions = manager();
    const other = insertUser(db, 'grace', clock.time);
    const mine = [1, 2, 3, 4].map(() => sessions.createSession({ userId, rememberMe: false }));
    const theirs = sessions.createSession({ userId: other, rememberMe: true });
    expect(sessions.revokeUserSessions(userId, mine[0]!.session.id)).toBe(3);
    expect(sessions.getUserSessions(userId).map((s) => s.id)).toEqual([mine[0]!.session.id]);
    expect(sessions.revokeUserSessions(userId, mine[0]!.session.id)).toBe(0);
    expect(sessions.revokeUserSessions(userId)).toBe(1);
    expect(sessions.getUserSessions(userId)).toEqual([]);
    expect(sessions.validateSession(theirs.token).valid).toBe(true);
  });

  it("lists a user's live sessions, most recently active first, without hashes", () => {
    const sessions = manager();
    const a = sessions.createSession({ userId, rememberMe: false });
    clock.advance(120_000);
    const b = sessions.createSession({ userId, rememberMe: true });
    clock.advance(120_000);
    sessions.updateSessionActivity(a.token);
    const list = sessions.getUserSessions(userId);
    expect(list.map((s) => s.id)).toEqual([a.session.id, b.session.id]);
    expect(JSON.stringify(list)).not.toMatch(/secret|hash/i);
    expect(sessions.getActiveSessionIds().sort()).toEqual([a.session.id, b.session.id].sort());
  });

  it('destroys by id or by a genuine token only', () => {
    const sessions = manager();
    const a = sessions.createSession({ userId, rememberMe: false });
    const b = sessions.createSession({ userId, rememberMe: false });
    expect(sessions.destroySession(`${b.session.id}.${'A'.repeat(43)}`)).toBe(false);
    expect(sessions.destroySession('nonsense')).toBe(false);
    expect(sessions.destroySession(b.token)).toBe(true);
    expect(sessions.destroySession(a.session.id)).toBe(true);
    expect(sessions.destroySession(a.session.id)).toBe(false);
    expect(sessions.getSessionCount().database).toBe(0);
  });

  it('reports metadata and counts', () => {
    const sessions = manager();
    const a = sessions.createSession({ userId, rememberMe: true, device: 'desk' });
    const b = sessions.createSession({ userId, rememberMe: false });
    expect(sessions.getSessionMetadata(a.session.id)).toMatchObject({
      id: a.session.id,
      username: 'ada',
      userActive: true,
      active: true,
      device: 'desk',
    });
    expect(sessions.getSessionMetadata('not-an-id')).toBeNull();
    expect(sessions.getSessionMetadata('3b241101-e2bb-4255-8caf-4136c566a962')).toBeNull();
    clock.set(b.session.idleExpiresAt);
    expect(sessions.getSessionMetadata(b.session.id)?.active).toBe(false);
    expect(sessions.getSessionCount()).toEqual({ active: 1, memoryCache: 0, database: 2 });
  });

  it('cleanup removes exactly the expired rows, in batches, and reports the count', async () => {
    const sessions = manager();
    const insert = db.prepare(
      `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me)
       VALUES (?, ?, randomblob(32), ?, ?, ?, ?, 0)`,
    );
    const now = clock.time;
    const live = new Set<string>();
    db.transaction(() => {
      for (let i = 0; i < 25_000; i += 1) {
        const id = crypto.randomUUID();
        // A third live, a third past the idle deadline, a third past the absolute cap.
        const kind = i % 3;
        const expiresAt = kind === 2 ? now - 1 - i : now + DAY;
        const idleExpiresAt =
          kind === 0 ? now + 1 + (i % 1000) : Math.min(now - (i % 5), expiresAt);
        insert.run(id, userId, now - DAY, now - DAY, expiresAt, idleExpiresAt);
        if (kind === 0) live.add(id);
      }
    })();
    const deleted = await sessions.cleanupExpiredSessions();
    expect(deleted).toBe(25_000 - live.size);
    expect(new Set(db.prepare('SELECT id FROM sessions').pluck().all())).toEqual(live);
    expect(events).toContainEqual({ type: 'sessions-cleaned', count: deleted });
    expect(await sessions.cleanupExpiredSessions()).toBe(0);
  });

  it('cleanupStep deletes at most the batch size', () => {
    const sessions = manager({ standardIdleTimeoutMs: 1000 });
    for (let i = 0; i < 10; i += 1) sessions.createSession({ userId, rememberMe: false });
    clock.advance(1000);
    expect(sessions.cleanupStep(clock.time, 4)).toBe(4);
    expect(sessions.cleanupStep(clock.time, 4)).toBe(4);
    expect(sessions.cleanupStep(clock.time, 4)).toBe(2);
    expect(sessions.cleanupStep(clock.time, 4)).toBe(0);
  });

  it('yields to the event loop between cleanup batches', async () => {
    const sessions = manager({ cleanupStepBudgetMs: 0.01 });
    const insert = db.prepare(
      `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me)
       VALUES (?, ?, randomblob(32), 0, 0, 1, 1, 0)`,
    );
    db.transaction(() => {
      for (let i = 0; i < 5000; i += 1) insert.run(crypto.randomUUID(), userId);
    })();
    let done = false;
    const cleaning = sessions.cleanupExpiredSessions().then((count) => {
      done = true;
      return count;
    });
    // Without a yield between batches the whole cleanup would finish before one immediate ran.
    let immediatesDuringCleanup = 0;
    while (!done) {
      await new Promise((resolve) => setImmediate(resolve));
      if (!done) immediatesDuringCleanup += 1;
    }
    expect(await cleaning).toBe(5000);
    expect(immediatesDuringCleanup).toBeGreaterThan(5);
    expect(sessions.getSessionCount().database).toBe(0);
  });
});

describe('a config that cannot work', () => {
  it('is refused with the field named', () => {
    expect(() => manager({ standardLifetimeMs: 0 })).toThrow(/standardLifetimeMs/);
    expect(() => manager({ rememberedIdleTimeoutMs: Number.NaN })).toThrow(
      /rememberedIdleTimeoutMs/,
    );
  });
});
