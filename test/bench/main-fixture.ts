import crypto from 'node:crypto';
import { SessionManager } from '../../src/core/sessions/session-manager';
import { databaseBytes, seedSessions, seedUsers, signedInProfile } from './fixtures';

/** The password of `bench-user` (never printed). */
export const BENCH_PASSWORD = crypto.randomBytes(18).toString('base64url');
export const BENCH_USER = 'bench-user';

/** A profile like a busy desktop install: 10,000 users, 100,000 sessions, a remembered session. */
export interface MainFixture {
  dir: string;
  file: string;
  /** The key of the in-process secret store (the "OS keyring" of this profile). */
  key: Buffer;
  /** Tokens of 1,000 live sessions spread over many users. */
  tokens: string[];
  /** A user with exactly 100 live sessions. */
  userWith100: number;
  users: number;
  sessions: number;
  /** Bytes the sessions added to the database, scaled to 100,000 sessions. */
  bytesPer100k: number;
  totalBytes: number;
}

/** Builds the main fixture: the account that signs in has a hash at the default argon2 cost. */
export async function buildMainFixture(
  options: { users?: number; sessions?: number } = {},
): Promise<MainFixture> {
  const users = options.users ?? 10_000;
  const sessions = options.sessions ?? 100_000;
  const { dir, key, file, db } = await signedInProfile('main', BENCH_USER, BENCH_PASSWORD);
  const now = Date.now();
  seedUsers(db, users - 1, now);
  const before = databaseBytes(db);
  const manager = new SessionManager({ db });
  const userWith100 = 2;
  const tokens: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < 100; i += 1)
      manager.createSession({ userId: userWith100, rememberMe: true });
    for (let i = 0; i < 1000; i += 1) {
      tokens.push(
        manager.createSession({ userId: 3 + ((i * 7) % (users - 2)), rememberMe: i % 2 === 0 })
          .token,
      );
    }
  })();
  const existing = db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
  seedSessions(db, { count: sessions - existing, now, firstUserId: 3, users: users - 2 });
  const count = db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
  const after = databaseBytes(db);
  db.close();
  if (count !== sessions) throw new Error(`fixture: ${count} sessions instead of ${sessions}`);
  return {
    dir,
    file,
    key,
    tokens,
    userWith100,
    users,
    sessions: count,
    bytesPer100k: ((after - before) * 100_000) / (count - 1),
    totalBytes: after,
  };
}
