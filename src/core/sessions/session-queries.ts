/**
 * Every SQL statement about the `sessions` table, and the row → {@link Session} mapping. The
 * manager, its cache and its cleanup use {@link sessionQueries}; the maintenance CLI uses
 * {@link listSessions} and {@link countSessions}, so that nothing else writes SQL about sessions.
 *
 * Statements are prepared on first use and kept per connection: a one-shot CLI prepares only what
 * it runs, and a long-lived app prepares each statement once.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open-database';
import type {
  ListSessionsOptions,
  Session,
  SessionMetadata,
  SessionTotals,
  SessionWithUsername,
} from './session-types';

/** A `sessions` row as SQLite returns it; the secret hash is there to be compared, never passed on. */
export interface SessionRow {
  id: string;
  user_id: number;
  secret_hash: Buffer;
  created_at: number;
  last_active_at: number;
  expires_at: number;
  idle_expires_at: number;
  remember_me: number;
  device: string;
  ip_address: string | null;
}

/** A session row with its account's name and state. */
export interface SessionUserRow extends SessionRow {
  username: string;
  is_active: number;
}

type PublicRow = Omit<SessionRow, 'secret_hash'> & { username: string };

// Only public columns where a caller lists sessions: the hash is selected where it is compared.
const PUBLIC_COLUMNS =
  's.id, s.user_id, s.created_at, s.last_active_at, s.expires_at, s.idle_expires_at, s.remember_me, s.device, s.ip_address';

/** Sessions with their usernames, for listing (the CLI's `list`). */
const LISTED = `SELECT ${PUBLIC_COLUMNS}, u.username FROM sessions s JOIN users u ON u.id = s.user_id`;
const NEWEST_FIRST = 'ORDER BY s.last_active_at DESC, s.id LIMIT ?';
/** Counts at an instant `?` (bound twice), in one pass over the rows. */
const TOTALS = `SELECT count(*) AS total, coalesce(sum(idle_expires_at > ?), 0) AS active,
                       coalesce(sum(remember_me = 1 AND idle_expires_at > ?), 0) AS remembered
                FROM sessions`;

const SQL = {
  insert: `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me, device, ip_address)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  // Scalar subqueries, not a join: with STAT4 a join's plan depends on the bound id, so SQLite
  // would recompile the statement at every call (several times the cost of the lookup itself).
  getWithUser: `SELECT ${PUBLIC_COLUMNS}, s.secret_hash,
                       (SELECT username FROM users WHERE id = s.user_id) AS username,
                       (SELECT is_active FROM users WHERE id = s.user_id) AS is_active
                FROM sessions s WHERE s.id = ?`,
  // The idle deadline never passes the absolute cap (a CHECK constraint keeps it so).
  touch:
    'UPDATE sessions SET last_active_at = ?, idle_expires_at = min(?, expires_at) WHERE id = ?',
  deleteById: 'DELETE FROM sessions WHERE id = ?',
  deleteByUser: 'DELETE FROM sessions WHERE user_id = ?',
  deleteByUserExcept: 'DELETE FROM sessions WHERE user_id = ? AND id <> ?',
  liveByUser: `SELECT ${PUBLIC_COLUMNS} FROM sessions s WHERE s.user_id = ? AND s.idle_expires_at > ?
               ORDER BY s.last_active_at DESC, s.id`,
  liveIds: 'SELECT id FROM sessions WHERE idle_expires_at > ? ORDER BY id',
  countLive: 'SELECT count(*) FROM sessions WHERE idle_expires_at > ?',
  countAll: 'SELECT count(*) FROM sessions',
  // Oldest first, through the idle-deadline index: consecutive batches touch neighbouring pages.
  deleteExpired: `DELETE FROM sessions WHERE rowid IN
                  (SELECT rowid FROM sessions WHERE idle_expires_at <= ? ORDER BY idle_expires_at LIMIT ?)`,
  dataVersion: 'PRAGMA data_version',
  listAll: `${LISTED} ${NEWEST_FIRST}`,
  listUser: `${LISTED} WHERE s.user_id = ? ${NEWEST_FIRST}`,
  totalsAll: TOTALS,
  totalsUser: `${TOTALS} WHERE user_id = ?`,
} as const;

type Name = keyof typeof SQL;

/** Statements that return one column: prepared in pluck mode once. */
const PLUCKED: ReadonlySet<Name> = new Set(['liveIds', 'countLive', 'countAll', 'dataVersion']);

/** The SQL text of each statement, for tests that check query plans. */
export const SESSION_SQL: Readonly<Record<Name, string>> = SQL;

/** The session statements of one connection; get it with {@link sessionQueries}. */
export class SessionQueries {
  private readonly prepared = new Map<Name, Statement>();

  /** @param db the connection these statements run on. */
  constructor(readonly db: Db) {}

  /** Stores a new session; `secretHash` is SHA-256 of the token's secret. */
  insert(session: Session, secretHash: Buffer): void {
    this.statement('insert').run(
      session.id,
      session.userId,
      secretHash,
      session.createdAt,
      session.lastActiveAt,
      session.expiresAt,
      session.idleExpiresAt,
      session.rememberMe ? 1 : 0,
      session.device,
      session.ipAddress,
    );
  }

  /** The row of session `id` with its user's name and state, hash included; undefined if none. */
  getWithUser(id: string): SessionUserRow | undefined {
    return this.statement('getWithUser').get(id) as SessionUserRow | undefined;
  }

  /** Records activity; the stored idle deadline is capped at the absolute one. False if no row. */
  touch(id: string, now: number, idleExpiresAt: number): boolean {
    return this.statement('touch').run(now, idleExpiresAt, id).changes > 0;
  }

  /** Deletes session `id`; whether a row was deleted. */
  deleteById(id: string): boolean {
    return this.statement('deleteById').run(id).changes > 0;
  }

  /** Deletes every session of `userId`, or every one but `exceptId`; how many. */
  deleteByUser(userId: number, exceptId?: string): number {
    return exceptId === undefined
      ? this.statement('deleteByUser').run(userId).changes
      : this.statement('deleteByUserExcept').run(userId, exceptId).changes;
  }

  /** The user's sessions usable at `now`, most recently active first. */
  liveByUser(userId: number, now: number): Session[] {
    return (this.statement('liveByUser').all(userId, now) as SessionRow[]).map(toSession);
  }

  /** Ids of every session usable at `now`, in id order. */
  liveIds(now: number): string[] {
    return this.statement('liveIds').all(now) as string[];
  }

  /** How many sessions are usable at `now` (an index-only count). */
  countLive(now: number): number {
    return this.statement('countLive').get(now) as number;
  }

  /** How many rows the table holds. */
  countAll(): number {
    return this.statement('countAll').get() as number;
  }

  /**
   * Deletes up to `maxRows` sessions expired by `now` (`idle_expires_at <= now`: the idle deadline
   * is never after the absolute one), oldest first, in one statement. Returns how many.
   */
  deleteExpired(now: number, maxRows: number): number {
    return this.statement('deleteExpired').run(now, maxRows).changes;
  }

  /**
   * A reader of `PRAGMA data_version`, which changes whenever another connection commits to the
   * database. Bound to its prepared statement: one step per call, the cache's whole overhead.
   */
  dataVersionReader(): () => number {
    const statement = this.statement('dataVersion');
    return () => statement.get() as number;
  }

  /** Sessions with their usernames, newest activity first; see {@link listSessions}. */
  list(options: ListSessionsOptions = {}): SessionWithUsername[] {
    const limit = limitOf(options.limit);
    const rows = (
      options.userId === undefined
        ? this.statement('listAll').all(limit)
        : this.statement('listUser').all(options.userId, limit)
    ) as PublicRow[];
    return rows.map((row) => ({ ...toSession(row), username: row.username }));
  }

  /** Row counts at `now`; see {@link countSessions}. */
  totals(now: number, options: { userId?: number } = {}): SessionTotals {
    const row = (
      options.userId === undefined
        ? this.statement('totalsAll').get(now, now)
        : this.statement('totalsUser').get(now, now, options.userId)
    ) as { total: number; active: number; remembered: number };
    return { ...row, expired: row.total - row.active };
  }

  private statement(name: Name): Statement {
    let statement = this.prepared.get(name);
    if (!statement) {
      statement = this.db.prepare(SQL[name]);
      if (PLUCKED.has(name)) statement.pluck();
      this.prepared.set(name, statement);
    }
    return statement;
  }
}

const byConnection = new WeakMap<Db, SessionQueries>();

/** The session statements of `db`, prepared once per connection. */
export function sessionQueries(db: Db): SessionQueries {
  let queries = byConnection.get(db);
  if (!queries) {
    queries = new SessionQueries(db);
    byConnection.set(db, queries);
  }
  return queries;
}

/**
 * Sessions with their account's name, most recently active first (then by id), whatever their
 * state: for the maintenance CLI's `list`. `userId` keeps one account's; `limit` keeps the first
 * ones (omit it for all). Never selects the secret hash.
 */
export function listSessions(db: Db, options: ListSessionsOptions = {}): SessionWithUsername[] {
  return sessionQueries(db).list(options);
}

/**
 * How many sessions the table holds at `now` (all, or one account's with `userId`): in total,
 * usable (`idle_expires_at > now`), expired and not yet removed, and usable remembered ones. For
 * the maintenance CLI's `stats` and for `list`'s "n more".
 */
export function countSessions(
  db: Db,
  now: number,
  options: { userId?: number } = {},
): SessionTotals {
  return sessionQueries(db).totals(now, options);
}

/** Maps a row to a {@link Session}, dropping the hash and any joined column. */
export function toSession(row: Omit<SessionRow, 'secret_hash'>): Session {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastActiveAt: row.last_active_at,
    expiresAt: row.expires_at,
    idleExpiresAt: row.idle_expires_at,
    rememberMe: row.remember_me === 1,
    device: row.device,
    ipAddress: row.ip_address,
  };
}

/** A session row as `SessionManager.getSessionMetadata` reports it at `now`. */
export function toMetadata(row: SessionUserRow, now: number): SessionMetadata {
  const session = toSession(row);
  const userActive = row.is_active === 1;
  const active = userActive && now < session.idleExpiresAt;
  return { ...session, username: row.username, userActive, active };
}

/** SQLite's LIMIT: -1 is "no limit". */
function limitOf(limit: number | undefined): number {
  if (limit === undefined || limit === Number.POSITIVE_INFINITY) return -1;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a whole number of sessions, got ${String(limit)}`);
  return limit;
}
