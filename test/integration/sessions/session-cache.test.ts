/** The memory cache: never stale, one prepared step per hit, bounded, following its own writes. */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/core/db/open-database';
import { SessionCache } from '../../../src/core/sessions/session-cache';
import { SessionManager } from '../../../src/core/sessions/session-manager';
import type { Session } from '../../../src/core/sessions/session-types';
import { insertUser } from '../../helpers/db';
import { sessionsWorld } from '../../helpers/sessions';

const w = sessionsWorld();

/** Another connection to the same file (another process, the maintenance CLI). */
function otherConnection(): Db {
  return openDatabase(w.file);
}

/** Runs `work` on another connection and closes it: its commit is what the cache must notice. */
function commitElsewhere(work: (db: Db) => void): void {
  const other = otherConnection();
  try {
    work(other);
  } finally {
    other.close();
  }
}

describe('memory cache', () => {
  it('answers from memory, and counts its entries', () => {
    const sessions = w.manager();
    const { token } = sessions.createSession({ userId: w.userId, rememberMe: false });
    expect(sessions.getSessionCount().memoryCache).toBe(0);
    sessions.validateSession(token);
    expect(sessions.getSessionCount().memoryCache).toBe(1);
    expect(w.manager({ enableMemoryCache: false }).getSessionCount().memoryCache).toBe(0);
  });

  it('is never stale when another connection deletes the session', () => {
    const sessions = w.manager();
    const { token, session } = sessions.createSession({ userId: w.userId, rememberMe: false });
    expect(sessions.validateSession(token).valid).toBe(true);
    expect(sessions.validateSession(token).valid).toBe(true);
    commitElsewhere((db) => db.prepare('DELETE FROM sessions WHERE id = ?').run(session.id));
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'not-found' });
  });

  it('is never stale when another connection deactivates the user', () => {
    const sessions = w.manager();
    const { token } = sessions.createSession({ userId: w.userId, rememberMe: true });
    expect(sessions.validateSession(token).valid).toBe(true);
    commitElsewhere((db) =>
      db.prepare('UPDATE users SET is_active = 0 WHERE id = ?').run(w.userId),
    );
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'user-inactive' });
  });

  it('is never stale when another connection shortens the session', () => {
    const sessions = w.manager();
    const { token, session } = sessions.createSession({ userId: w.userId, rememberMe: true });
    expect(sessions.validateSession(token).valid).toBe(true);
    commitElsewhere((db) =>
      db
        .prepare('UPDATE sessions SET expires_at = ?, idle_expires_at = ? WHERE id = ?')
        .run(w.clock.time, w.clock.time, session.id),
    );
    expect(sessions.validateSession(token)).toEqual({ valid: false, reason: 'expired' });
  });

  it('is never stale when another connection slides the session (the new deadline is read)', () => {
    const sessions = w.manager();
    const { token, session } = sessions.createSession({ userId: w.userId, rememberMe: false });
    expect(sessions.validateSession(token).valid).toBe(true);
    const later = session.idleExpiresAt + 1000;
    commitElsewhere((db) =>
      db
        .prepare('UPDATE sessions SET idle_expires_at = ?, last_active_at = ? WHERE id = ?')
        .run(later, w.clock.time, session.id),
    );
    w.clock.set(session.idleExpiresAt);
    expect(sessions.validateSession(token)).toMatchObject({
      valid: true,
      session: { idleExpiresAt: later },
    });
  });

  it('flushes on any commit elsewhere, even one about another table, then refills', () => {
    const sessions = w.manager();
    const tokens = [0, 1, 2].map(
      () => sessions.createSession({ userId: w.userId, rememberMe: false }).token,
    );
    for (const token of tokens) sessions.validateSession(token);
    expect(sessions.getSessionCount().memoryCache).toBe(3);
    commitElsewhere((db) => insertUser(db, 'grace'));
    expect(sessions.validateSession(tokens[0]).valid).toBe(true);
    expect(sessions.getSessionCount().memoryCache).toBe(1);
  });

  it('follows writes made through this manager', () => {
    const sessions = w.manager();
    const a = sessions.createSession({ userId: w.userId, rememberMe: false });
    const b = sessions.createSession({ userId: w.userId, rememberMe: false });
    const c = sessions.createSession({ userId: w.userId, rememberMe: false });
    for (const s of [a, b, c]) sessions.validateSession(s.token);
    expect(sessions.destroySession(a.session.id)).toBe(true);
    expect(sessions.validateSession(a.token)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.destroySession(b.token)).toBe(true);
    expect(sessions.validateSession(b.token)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.revokeUserSessions(w.userId)).toBe(1);
    expect(sessions.validateSession(c.token)).toEqual({ valid: false, reason: 'not-found' });
    expect(sessions.getSessionCount().memoryCache).toBe(0);
  });

  it('keeps the session it was told to spare when revoking the others', () => {
    const sessions = w.manager();
    const keep = sessions.createSession({ userId: w.userId, rememberMe: false });
    const drop = sessions.createSession({ userId: w.userId, rememberMe: false });
    sessions.validateSession(keep.token);
    sessions.validateSession(drop.token);
    expect(sessions.revokeUserSessions(w.userId, keep.session.id)).toBe(1);
    expect(sessions.getSessionCount().memoryCache).toBe(1);
    expect(sessions.validateSession(keep.token).valid).toBe(true);
    expect(sessions.validateSession(drop.token)).toEqual({ valid: false, reason: 'not-found' });
  });

  it('keeps at most memoryCacheMaxEntries entries, the oldest going first', () => {
    const sessions = w.manager({ memoryCacheMaxEntries: 3 });
    const tokens = Array.from(
      { length: 5 },
      () => sessions.createSession({ userId: w.userId, rememberMe: false }).token,
    );
    for (const token of tokens) sessions.validateSession(token);
    expect(sessions.getSessionCount().memoryCache).toBe(3);
    for (const token of tokens) expect(sessions.validateSession(token).valid).toBe(true);
  });

  it('serves a hit with exactly one statement: PRAGMA data_version', () => {
    const run: string[] = [];
    const db = new Database(w.file, { verbose: (sql) => run.push(String(sql)) });
    try {
      const sessions = new SessionManager({ db, clock: w.clock });
      const { token } = sessions.createSession({ userId: w.userId, rememberMe: false });
      sessions.validateSession(token);
      run.length = 0;
      expect(sessions.validateSession(token).valid).toBe(true);
      expect(run).toEqual(['PRAGMA data_version']);
      // A miss on a malformed token runs nothing at all.
      run.length = 0;
      sessions.validateSession(`${token.slice(0, 79)}!`);
      expect(run).toEqual([]);
    } finally {
      db.close();
    }
  });
});

describe('SessionCache', () => {
  const session = (id: string, userId: number, idleExpiresAt = 100): Session => ({
    id,
    userId,
    createdAt: 0,
    lastActiveAt: 0,
    expiresAt: 200,
    idleExpiresAt,
    rememberMe: false,
    device: '',
    ipAddress: null,
  });

  it('reads the version once per hit, never on a miss, and flushes when it changes', () => {
    let version = 1;
    let reads = 0;
    const cache = new SessionCache(() => {
      reads += 1;
      return version;
    }, 10);
    expect(cache.get('t1')).toBeUndefined();
    expect(reads).toBe(0);
    cache.beforeRead();
    cache.put('t1', { username: 'ada', session: session('s1', 1) });
    reads = 0;
    expect(cache.get('t1')?.session.id).toBe('s1');
    expect(reads).toBe(1);
    version = 2;
    expect(cache.get('t1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('forgets by token, by session, by user and by deadline', () => {
    const cache = new SessionCache(() => 1, 10);
    cache.beforeRead();
    cache.put('t1', { username: 'ada', session: session('s1', 1, 50) });
    cache.put('t2', { username: 'ada', session: session('s2', 1, 150) });
    cache.put('t3', { username: 'bob', session: session('s3', 2, 150) });
    cache.put('t4', { username: 'bob', session: session('s4', 2, 150) });
    cache.forgetSession('s4');
    expect(cache.get('t4')).toBeUndefined();
    cache.prune(100);
    expect(cache.get('t1')).toBeUndefined();
    cache.forgetUser(1);
    expect(cache.get('t2')).toBeUndefined();
    expect(cache.get('t3')?.session.id).toBe('s3');
    cache.delete('t3');
    expect(cache.size).toBe(0);
  });
});
