/** SessionManager: tokens, lifetimes, expiry, activity, listing, revoking, counts. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { insertUser } from '../../helpers/db';
import { DAY, HOUR, sessionsWorld } from '../../helpers/sessions';

const w = sessionsWorld();
const manager = (config?: Parameters<typeof w.manager>[0]) => w.manager(config);

describe('createSession / validateSession', () => {
  it('creates a session whose token validates, with the documented lifetimes', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({
      userId: w.userId,
      rememberMe: false,
      device: 'laptop',
    });
    expect(session.id).toHaveLength(36);
    expect(session).toMatchObject({
      userId: w.userId,
      createdAt: w.clock.time,
      lastActiveAt: w.clock.time,
      expiresAt: w.clock.time + 24 * HOUR,
      idleExpiresAt: w.clock.time + 12 * HOUR,
      rememberMe: false,
      device: 'laptop',
      ipAddress: null,
    });
    const remembered = sessions.createSession({ userId: w.userId, rememberMe: true }).session;
    expect(remembered.expiresAt - remembered.createdAt).toBe(30 * DAY);
    expect(remembered.idleExpiresAt - remembered.createdAt).toBe(7 * DAY);
    expect(sessions.validateSession(token)).toEqual({
      valid: true,
      userId: w.userId,
      username: 'ada',
      session,
    });
  });

  it('reads the clock exactly once per operation', async () => {
    const sessions = manager();
    w.clock.reads = 0;
    const { token } = sessions.createSession({ userId: w.userId, rememberMe: false });
    expect(w.clock.reads).toBe(1);
    const other = sessions.createSession({ userId: w.userId, rememberMe: true }).session.id;
    for (const op of [
      () => sessions.validateSession(token),
      () => sessions.validateSession(token, { touch: true }),
      () => sessions.getUserSessions(w.userId),
      () => sessions.getActiveSessionIds(),
      () => sessions.getSessionMetadata(other),
      () => sessions.getSessionCount(),
    ]) {
      w.clock.reads = 0;
      op();
      expect(w.clock.reads).toBe(1);
    }
    w.clock.reads = 0;
    await sessions.cleanupExpiredSessions();
    expect(w.clock.reads).toBe(1);
  });

  it('rejects a forged secret for a real session id as not-found, and the real token still works', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId: w.userId, rememberMe: false });
    const forged = `${session.id}.${'A'.repeat(43)}`;
    expect(sessions.validateSession(forged)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.validateSession(token).valid).toBe(true);
    expect(sessions.validateSession(forged)).toEqual({ valid: false, reason: 'not-found' });
  });

  it('rejects malformed tokens without touching the database (the connection is closed)', () => {
    const sessions = manager();
    w.db.close();
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
      (_, i) => sessions.createSession({ userId: w.userId, rememberMe: i % 2 === 0 }).token,
    );
    for (const token of tokens) sessions.validateSession(token, { touch: true });
    const walBytes = fs.existsSync(`${w.file}-wal`)
      ? fs.readFileSync(`${w.file}-wal`)
      : Buffer.alloc(0);
    w.db.pragma('wal_checkpoint(TRUNCATE)');
    const images = [fs.readFileSync(w.file), walBytes];
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
        const deadline = w.clock.time + Math.min(c.lifetime, c.idle);
        const tokens = [0, 1, 2].map(
          () => sessions.createSession({ userId: w.userId, rememberMe: c.rememberMe }).token,
        );
        for (const token of tokens) expect(sessions.validateSession(token).valid).toBe(true);

        w.clock.set(deadline - 1);
        expect(sessions.validateSession(tokens[0])).toMatchObject({ valid: true });
        w.clock.set(deadline);
        expect(sessions.validateSession(tokens[1])).toEqual({ valid: false, reason: c.reason });
        w.clock.set(deadline + 1);
        expect(sessions.validateSession(tokens[2])).toEqual({ valid: false, reason: c.reason });
        // The expired rows found by validation are gone, with an audit event each.
        expect(sessions.getSessionCount().database).toBe(1);
        expect(w.events.filter((e) => e.type === 'session-expired')).toHaveLength(2);
        expect(sessions.validateSession(tokens[1])).toEqual({ valid: false, reason: 'not-found' });
      });
    }
  }

  it('slides the idle deadline on activity, but never past the absolute cap', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId: w.userId, rememberMe: false });
    // Active every 11 hours: the 12-hour idle limit never bites, the 24-hour cap does.
    for (let t = 11; t < 24; t += 11) {
      w.clock.set(session.createdAt + t * HOUR);
      const result = sessions.validateSession(token, { touch: true });
      expect(result.valid).toBe(true);
      if (result.valid) {
        expect(result.session.idleExpiresAt).toBe(
          Math.min(w.clock.time + 12 * HOUR, session.expiresAt),
        );
        expect(result.session.idleExpiresAt).toBeLessThanOrEqual(session.expiresAt);
      }
    }
    w.clock.set(session.expiresAt - 1);
    expect(sessions.validateSession(token, { touch: true }).valid).toBe(true);
    const row = w.db
      .prepare('SELECT idle_expires_at, expires_at FROM sessions WHERE id = ?')
      .get(session.id) as {
      idle_expires_at: number;
      expires_at: number;
    };
    expect(row.idle_expires_at).toBe(row.expires_at);
    w.clock.set(session.expiresAt);
    expect(sessions.validateSession(token, { touch: true })).toEqual({
      valid: false,
      reason: 'expired',
    });
  });

  it('writes activity at most once a minute per session', () => {
    const sessions = manager();
    const { token, session } = sessions.createSession({ userId: w.userId, rememberMe: false });
    const lastActive = () =>
      w.db.prepare('SELECT last_active_at FROM sessions WHERE id = ?').pluck().get(session.id);
    w.clock.advance(59_999);
    expect(sessions.updateSessionActivity(token)).toBe(true);
    expect(lastActive()).toBe(session.createdAt);
    w.clock.advance(1);
    expect(sessions.updateSessionActivity(token)).toBe(true);
    expect(lastActive()).toBe(session.createdAt + 60_000);
    w.clock.advance(30_000);
    sessions.updateSessionActivity(token);
    expect(lastActive()).toBe(session.createdAt + 60_000);
    expect(sessions.updateSessionActivity('not a token')).toBe(false);
  });

  it('ends the sessions of an inactive user', () => {
    const sessions = manager({ enableMemoryCache: false });
    const { token } = sessions.createSession({ userId: w.userId, rememberMe: true });
    w.db.prepare('UPDATE users SET is_active = 0 WHERE id = ?').run(w.userId);
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'user-inactive' });
    expect(sessions.getSessionCount().database).toBe(0);
  });
});

describe('listing, revoking, destroying', () => {
  it('revokeUserSessions with and without an exception, touching only that user', () => {
    const sessions = manager();
    const other = insertUser(w.db, 'grace', w.clock.time);
    const mine = [1, 2, 3, 4].map(() =>
      sessions.createSession({ userId: w.userId, rememberMe: false }),
    );
    const theirs = sessions.createSession({ userId: other, rememberMe: true });
    expect(sessions.revokeUserSessions(w.userId, mine[0]!.session.id)).toBe(3);
    expect(sessions.getUserSessions(w.userId).map((s) => s.id)).toEqual([mine[0]!.session.id]);
    expect(sessions.revokeUserSessions(w.userId, mine[0]!.session.id)).toBe(0);
    expect(sessions.revokeUserSessions(w.userId)).toBe(1);
    expect(sessions.getUserSessions(w.userId)).toEqual([]);
    expect(sessions.validateSession(theirs.token).valid).toBe(true);
  });

  it("lists a user's live sessions, most recently active first, without hashes", () => {
    const sessions = manager();
    const a = sessions.createSession({ userId: w.userId, rememberMe: false });
    w.clock.advance(120_000);
    const b = sessions.createSession({ userId: w.userId, rememberMe: true });
    w.clock.advance(120_000);
    sessions.updateSessionActivity(a.token);
    const list = sessions.getUserSessions(w.userId);
    expect(list.map((s) => s.id)).toEqual([a.session.id, b.session.id]);
    expect(JSON.stringify(list)).not.toMatch(/secret|hash/i);
    expect(sessions.getActiveSessionIds().sort()).toEqual([a.session.id, b.session.id].sort());
  });

  it('destroys by id or by a genuine token only', () => {
    const sessions = manager();
    const a = sessions.createSession({ userId: w.userId, rememberMe: false });
    const b = sessions.createSession({ userId: w.userId, rememberMe: false });
    expect(sessions.destroySession(`${b.session.id}.${'A'.repeat(43)}`)).toBe(false);
    expect(sessions.destroySession('nonsense')).toBe(false);
    expect(sessions.destroySession(b.token)).toBe(true);
    expect(sessions.destroySession(a.session.id)).toBe(true);
    expect(sessions.destroySession(a.session.id)).toBe(false);
    expect(sessions.getSessionCount().database).toBe(0);
  });

  it('reports metadata and counts', () => {
    const sessions = manager();
    const a = sessions.createSession({ userId: w.userId, rememberMe: true, device: 'desk' });
    const b = sessions.createSession({ userId: w.userId, rememberMe: false });
    expect(sessions.getSessionMetadata(a.session.id)).toMatchObject({
      id: a.session.id,
      username: 'ada',
      userActive: true,
      active: true,
      device: 'desk',
    });
    expect(sessions.getSessionMetadata('not-an-id')).toBeNull();
    expect(sessions.getSessionMetadata('3b241101-e2bb-4255-8caf-4136c566a962')).toBeNull();
    w.clock.set(b.session.idleExpiresAt);
    expect(sessions.getSessionMetadata(b.session.id)?.active).toBe(false);
    expect(sessions.getSessionCount()).toEqual({ active: 1, memoryCache: 0, database: 2 });
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
