import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import { resolveConfig, type SessionLifetimeConfig } from '../config';
import type { Db } from '../db/open-database';
import { DatabaseWorker } from '../db/database-worker';
import { systemClock, type Clock } from '../ports';
import { isSessionId, mintToken, parseToken, secretHashesEqual, type ParsedToken } from './token';

/** A session as stored, without its secret hash. Times are ms since the epoch, UTC. */
export interface Session {
  /** The public id (UUID v4): listed and revoked by. */
  id: string;
  userId: number;
  createdAt: number;
  lastActiveAt: number;
  /** Absolute cap: the session is invalid from this instant on. */
  expiresAt: number;
  /** Idle deadline: invalid from this instant on unless activity slides it (never past expiresAt). */
  idleExpiresAt: number;
  rememberMe: boolean;
  device: string;
  ipAddress: string | null;
}

/** Why a token did not validate. */
export type InvalidReason =
  'malformed' | 'not-found' | 'expired' | 'idle-timeout' | 'user-inactive';

/** The answer of {@link SessionManager.validateSession}. */
export type ValidationResult =
  | { valid: true; userId: number; username: string; session: Session }
  | { valid: false; reason: InvalidReason };

/** {@link SessionManager.getSessionMetadata}: a session and whether it is still usable. */
export interface SessionMetadata extends Session {
  username: string;
  userActive: boolean;
  /** True when the session would validate now (ignoring the secret). */
  active: boolean;
}

/** What the manager reports to an audit sink. Never contains a token or a hash. */
export type SessionEvent =
  | {
      type: 'session-expired';
      sessionId: string;
      userId: number;
      reason: 'expired' | 'idle-timeout' | 'user-inactive';
    }
  | { type: 'sessions-cleaned'; count: number };

/** Options of {@link SessionManager}. */
export interface SessionManagerOptions {
  db: Db;
  clock?: Clock;
  config?: Partial<SessionLifetimeConfig>;
  /** Called after the manager itself ends sessions (expiry found on validation, cleanup). */
  onEvent?: (event: SessionEvent) => void;
}

/** Options of {@link SessionManager.cleanupExpiredSessions}. */
export interface CleanupOptions {
  /** Stops between batches (the app is quitting). */
  signal?: AbortSignal;
  /**
   * Runs one bulk-mode transaction so that nothing else writes on this connection meanwhile
   * (the runtime passes its request queue): the worker holds the write lock, and a write here
   * would wait for it synchronously. Without it, the caller must not write on the connection
   * while a bulk cleanup runs.
   */
  runExclusive?: <T>(work: () => Promise<T>) => Promise<T>;
  /** Batches committed one by one before bulk mode starts (default 16). */
  bulkAfterSteps?: number;
  /** Length of one bulk-mode transaction in ms of wall time (default 1000). */
  bulkTransactionMs?: number;
  /** Set false to keep bulk mode on this thread (hosts without worker threads; tests). */
  useWorker?: boolean;
}

/** Input of {@link SessionManager.createSession}. */
export interface CreateSessionInput {
  userId: number;
  rememberMe: boolean;
  /** A short human description of the device ("Alex's laptop (linux)"); at most 200 characters. */
  device?: string;
  ipAddress?: string | null;
}

/** Options of {@link SessionManager.validateSession}. */
export interface ValidateOptions {
  /** Count this validation as activity: slide the idle deadline (written at most once a minute). */
  touch?: boolean;
}

interface SessionRow {
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

interface SessionUserRow extends SessionRow {
  username: string;
  is_active: number;
}

/** A validated session held in memory; keyed by the whole token (see `cacheGet`). */
interface CacheEntry {
  username: string;
  session: Session;
}

const SESSION_COLUMNS =
  's.id, s.user_id, s.secret_hash, s.created_at, s.last_active_at, s.expires_at, s.idle_expires_at, s.remember_me, s.device, s.ip_address';

const MAX_DEVICE_LENGTH = 200;

/** Committed batches before a cleanup switches to bulk mode (about 64 ms of work). */
const BULK_AFTER_STEPS = 16;
/** Rows in the first batch: small, because a committed batch also writes its index pages. */
const FIRST_BATCH = 100;
/** A cleanup that deleted this many rows checkpoints the WAL itself, on a worker thread. */
const CHECKPOINT_AFTER_ROWS = 500;
/** Rows per DELETE in the worker (whose steps need not be short). */
const WORKER_BATCH = 5000;
/** Up to `?2` sessions expired by `?1`: the idle deadline is never after the absolute one. */
const CLEANUP_BATCH_SQL =
  'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE idle_expires_at <= ? LIMIT ?)';
/** Wall time of one bulk-mode transaction: long enough to amortise the random index pages. */
const BULK_TRANSACTION_MS = 1000;

/**
 * Sign-in sessions over the SQLite `sessions` table.
 *
 * Tokens are `<sessionId>.<secret>`; only SHA-256 of the secret is stored and compared in
 * constant time. The clock is read once per operation. With the memory cache on, a cached answer
 * is never stale: writes through this manager update the cache, and a commit by any other
 * connection (another process, a maintenance script) is noticed through `PRAGMA data_version`,
 * which flushes it.
 */
export class SessionManager {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly config: SessionLifetimeConfig;
  private readonly onEvent: (event: SessionEvent) => void;
  private readonly cache = new Map<string, CacheEntry>();
  private dataVersion = -1;

  private readonly stmt: {
    insert: Statement<
      [string, number, Buffer, number, number, number, number, number, string, string | null]
    >;
    getWithUser: Statement<[string], SessionUserRow>;
    touch: Statement<[number, number, string]>;
    deleteById: Statement<[string]>;
    deleteUser: Statement<[number]>;
    deleteUserExcept: Statement<[number, string]>;
    listUser: Statement<[number, number], SessionRow>;
    activeIds: Statement<[number], string>;
    countActive: Statement<[number], number>;
    countAll: Statement<[], number>;
    cleanupBatch: Statement<[number, number]>;
    dataVersion: Statement<[], number>;
  };

  constructor(options: SessionManagerOptions) {
    this.db = options.db;
    this.clock = options.clock ?? systemClock;
    this.config = pickLifetimes(resolveConfig(options.config));
    this.onEvent = options.onEvent ?? (() => {});
    const db = this.db;
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me, device, ip_address)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      getWithUser: db.prepare(
        `SELECT ${SESSION_COLUMNS}, u.username, u.is_active FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`,
      ),
      touch: db.prepare(
        'UPDATE sessions SET last_active_at = ?, idle_expires_at = min(?, expires_at) WHERE id = ?',
      ),
      deleteById: db.prepare('DELETE FROM sessions WHERE id = ?'),
      deleteUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
      deleteUserExcept: db.prepare('DELETE FROM sessions WHERE user_id = ? AND id <> ?'),
      listUser: db.prepare(
        `SELECT ${SESSION_COLUMNS} FROM sessions s WHERE s.user_id = ? AND s.idle_expires_at > ?
         ORDER BY s.last_active_at DESC, s.id`,
      ),
      activeIds: pluck<[number], string>(
        db,
        'SELECT id FROM sessions WHERE idle_expires_at > ? ORDER BY id',
      ),
      countActive: pluck<[number], number>(
        db,
        'SELECT count(*) FROM sessions WHERE idle_expires_at > ?',
      ),
      countAll: pluck<[], number>(db, 'SELECT count(*) FROM sessions'),
      cleanupBatch: db.prepare(CLEANUP_BATCH_SQL),
      dataVersion: pluck<[], number>(db, 'PRAGMA data_version'),
    };
  }

  /** The lifetimes in force (defaults merged with the options). */
  get lifetimes(): Readonly<SessionLifetimeConfig> {
    return this.config;
  }

  /**
   * Starts a session for `userId` and returns its token (give it only to the main process's
   * memory or `session.enc`) and the stored session.
   */
  createSession(input: CreateSessionInput): { token: string; session: Session } {
    if (!Number.isSafeInteger(input.userId) || input.userId <= 0) {
      throw new TypeError('createSession: userId must be a positive integer');
    }
    const now = this.clock.now();
    const rememberMe = input.rememberMe === true;
    const expiresAt =
      now + (rememberMe ? this.config.rememberedLifetimeMs : this.config.standardLifetimeMs);
    const session: Session = {
      id: '',
      userId: input.userId,
      createdAt: now,
      lastActiveAt: now,
      expiresAt,
      idleExpiresAt: Math.min(now + this.idleTimeout(rememberMe), expiresAt),
      rememberMe,
      device: (input.device ?? '').slice(0, MAX_DEVICE_LENGTH),
      ipAddress: input.ipAddress ?? null,
    };
    const minted = mintToken();
    session.id = minted.sessionId;
    this.stmt.insert.run(
      session.id,
      session.userId,
      minted.secretHash,
      session.createdAt,
      session.lastActiveAt,
      session.expiresAt,
      session.idleExpiresAt,
      rememberMe ? 1 : 0,
      session.device,
      session.ipAddress,
    );
    return { token: minted.token, session: { ...session } };
  }

  /**
   * Checks a token. Malformed tokens are rejected before any query. An expired session found
   * here is deleted. With `touch`, a valid session's idle deadline slides.
   */
  validateSession(token: unknown, options: ValidateOptions = {}): ValidationResult {
    const now = this.clock.now();
    const cached = this.cacheGet(token);
    if (cached) return this.check(token as string, cached, now, options.touch === true);
    const parsed = parseToken(token);
    if (!parsed) return { valid: false, reason: 'malformed' };
    return this.validateUncached(token as string, parsed, now, options.touch === true);
  }

  /** Records activity on a valid session (throttled); false when the token is not valid. */
  updateSessionActivity(token: unknown): boolean {
    return this.validateSession(token, { touch: true }).valid;
  }

  /**
   * Ends a session, given its id or its token (a token must be genuine). Returns whether a
   * session was deleted.
   */
  destroySession(idOrToken: unknown): boolean {
    let id: string;
    if (isSessionId(idOrToken)) {
      id = idOrToken;
    } else {
      const parsed = parseToken(idOrToken);
      if (!parsed) return false;
      const row = this.stmt.getWithUser.get(parsed.sessionId);
      if (!row || !secretHashesEqual(row.secret_hash, parsed.secretHash)) return false;
      id = parsed.sessionId;
    }
    this.forgetSession(id);
    return this.stmt.deleteById.run(id).changes > 0;
  }

  /** Ends every session of a user, or every one but `exceptSessionId`. Returns how many. */
  revokeUserSessions(userId: number, exceptSessionId?: string): number {
    for (const [key, entry] of this.cache) {
      if (entry.session.userId === userId && entry.session.id !== exceptSessionId)
        this.cache.delete(key);
    }
    const result =
      exceptSessionId === undefined
        ? this.stmt.deleteUser.run(userId)
        : this.stmt.deleteUserExcept.run(userId, exceptSessionId);
    return result.changes;
  }

  /** The user's sessions that are still usable, most recently active first. */
  getUserSessions(userId: number): Session[] {
    const now = this.clock.now();
    return this.stmt.listUser.all(userId, now).map(toSession);
  }

  /** Ids of every session still usable now. */
  getActiveSessionIds(): string[] {
    return this.stmt.activeIds.all(this.clock.now());
  }

  /** A session and its state, for diagnostics; null when there is no such row. */
  getSessionMetadata(sessionId: string): SessionMetadata | null {
    if (!isSessionId(sessionId)) return null;
    const now = this.clock.now();
    const row = this.stmt.getWithUser.get(sessionId);
    if (!row) return null;
    const session = toSession(row);
    const userActive = row.is_active === 1;
    return {
      ...session,
      username: row.username,
      userActive,
      active: userActive && now < session.idleExpiresAt,
    };
  }

  /** Counts: usable sessions in the database, entries in the memory cache, all rows. */
  getSessionCount(): { active: number; memoryCache: number; database: number } {
    const now = this.clock.now();
    return {
      active: this.stmt.countActive.get(now) ?? 0,
      memoryCache: this.cache.size,
      database: this.stmt.countAll.get() ?? 0,
    };
  }

  /**
   * Deletes up to `maxRows` sessions that expired by `now` in one short synchronous step.
   * The building block of {@link cleanupExpiredSessions}; a host's timer may call it directly.
   */
  cleanupStep(now: number, maxRows: number): number {
    const deleted = this.stmt.cleanupBatch.run(now, Math.max(1, Math.floor(maxRows))).changes;
    if (deleted > 0) this.pruneCache(now);
    return deleted;
  }

  /**
   * Deletes every session expired at the time of the call, returning the count, without ever
   * blocking the event loop for more than a few milliseconds, even with a million expired rows.
   * Stops early, between batches, when `signal` aborts (the app is quitting).
   *
   * A small backlog is deleted here in batches sized to take about `cleanupStepBudgetMs` each,
   * each committed, yielding to the event loop between them. A large one (still going after
   * `bulkAfterSteps` batches) moves to a worker thread with its own connection: committing
   * small batches rewrites the randomly placed index pages (session id, user id) again and
   * again and costs several times the delete itself, while a long transaction's commit takes
   * tens of milliseconds. The worker deletes in transactions of about `bulkTransactionMs`, each
   * followed by a checkpoint (so the WAL is reused rather than grown), and the main thread only
   * awaits it. Each transaction runs inside `runExclusive` (the runtime passes its request
   * queue), so that no request writes on the main connection while the worker holds the write
   * lock. Without worker threads, the same transactions run here, between yields.
   */
  async cleanupExpiredSessions(options: CleanupOptions = {}): Promise<number> {
    const now = this.clock.now();
    const signal = options.signal;
    const db = this.db;
    const bulkAfterSteps = options.bulkAfterSteps ?? BULK_AFTER_STEPS;
    const state = { batch: FIRST_BATCH, total: 0, done: false };
    // No automatic checkpoint inside a step: a commit that crosses the WAL threshold would copy
    // the whole WAL back, with fsyncs, right there (tens of ms on a slow disk).
    const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    if (autocheckpoint > 0) db.pragma('wal_autocheckpoint = 0');
    let worker: DatabaseWorker | null = null;
    try {
      for (let steps = 0; !signal?.aborted && steps < bulkAfterSteps; steps += 1) {
        this.timedStep(now, state);
        if (state.done) break;
        await yieldToEventLoop();
      }
      if (!state.done && !signal?.aborted && db.open) {
        worker = options.useWorker === false ? null : await DatabaseWorker.start(db.name);
        if (worker) await this.bulkInWorker(now, state, options, worker);
        else await this.bulkHere(now, state, options);
        this.pruneCache(now);
      }
      // A cleanup that wrote a lot hands the WAL back itself, off this thread when possible,
      // instead of leaving a big checkpoint to whichever write comes next.
      if (db.open && autocheckpoint > 0 && state.total >= CHECKPOINT_AFTER_ROWS) {
        if (!worker && options.useWorker !== false) worker = await DatabaseWorker.start(db.name);
        if (worker) await worker.checkpoint('PASSIVE');
      }
    } finally {
      if (db.open && autocheckpoint > 0) db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
      await worker?.close();
    }
    if (state.total > 0) this.onEvent({ type: 'sessions-cleaned', count: state.total });
    return state.total;
  }

  /** One batch, and the size of the next one aimed at the step budget. */
  private timedStep(now: number, state: { batch: number; total: number; done: boolean }): void {
    const started = performance.now();
    const deleted = this.cleanupStep(now, state.batch);
    const elapsed = performance.now() - started;
    state.total += deleted;
    if (deleted < state.batch) {
      state.done = true;
      return;
    }
    // Aim each step at the budget; bounded so one slow step cannot swing it wildly.
    const scale = this.config.cleanupStepBudgetMs / Math.max(elapsed, 0.05);
    state.batch = Math.round(
      Math.min(50_000, Math.max(100, state.batch * Math.min(2, Math.max(0.5, scale)))),
    );
  }

  private async bulkInWorker(
    now: number,
    state: { batch: number; total: number; done: boolean },
    options: CleanupOptions,
    worker: DatabaseWorker,
  ): Promise<void> {
    const runExclusive = options.runExclusive ?? ((work) => work());
    const sliceMs = options.bulkTransactionMs ?? BULK_TRANSACTION_MS;
    while (!state.done && !options.signal?.aborted && this.db.open) {
      const slice = await runExclusive(() =>
        options.signal?.aborted
          ? Promise.resolve({ deleted: 0, done: false })
          : worker.deleteSlice({ sql: CLEANUP_BATCH_SQL, now, batch: WORKER_BATCH, sliceMs }),
      );
      state.total += slice.deleted;
      state.done = slice.done;
    }
  }

  /** Bulk mode without worker threads: the same transactions, here, yielding between batches. */
  private async bulkHere(
    now: number,
    state: { batch: number; total: number; done: boolean },
    options: CleanupOptions,
  ): Promise<void> {
    const db = this.db;
    const signal = options.signal;
    const sliceMs = options.bulkTransactionMs ?? BULK_TRANSACTION_MS;
    const runExclusive = options.runExclusive ?? ((work) => work());
    while (!state.done && !signal?.aborted && db.open) {
      await runExclusive(async () => {
        if (signal?.aborted || !db.open) return;
        db.exec('BEGIN IMMEDIATE');
        try {
          const started = performance.now();
          do {
            this.timedStep(now, state);
            if (state.done) break;
            await yieldToEventLoop();
          } while (!signal?.aborted && db.open && performance.now() - started < sliceMs);
          if (db.open && db.inTransaction) db.exec('COMMIT');
        } catch (error) {
          if (db.open && db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      });
      if (db.open) db.pragma('wal_checkpoint(PASSIVE)');
    }
  }

  /** Drops every cached answer (for hosts that write sessions or users on this connection directly). */
  clearCache(): void {
    this.cache.clear();
  }

  private idleTimeout(rememberMe: boolean): number {
    return rememberMe ? this.config.rememberedIdleTimeoutMs : this.config.standardIdleTimeoutMs;
  }

  /**
   * The cache is keyed by the whole token: a hit means the exact token was validated against
   * its stored hash before, so it skips parsing, hashing and the query. A lookup compares the
   * whole string (by hash first), so its timing says nothing about how much of a wrong token
   * was right; a miss falls through to the constant-time check against the database.
   */
  private cacheGet(token: unknown): CacheEntry | undefined {
    if (!this.config.enableMemoryCache || typeof token !== 'string') return undefined;
    const entry = this.cache.get(token);
    if (!entry) return undefined;
    // A commit by any other connection may have revoked, expired or disabled anything.
    const version = this.stmt.dataVersion.get() ?? 0;
    if (version !== this.dataVersion) {
      this.cache.clear();
      this.dataVersion = version;
      return undefined;
    }
    return entry;
  }

  private validateUncached(
    token: string,
    parsed: ParsedToken,
    now: number,
    touch: boolean,
  ): ValidationResult {
    if (this.config.enableMemoryCache) {
      // Read the version before the row, so a commit in between flushes this entry later.
      const version = this.stmt.dataVersion.get() ?? 0;
      if (version !== this.dataVersion) {
        this.cache.clear();
        this.dataVersion = version;
      }
    }
    const row = this.stmt.getWithUser.get(parsed.sessionId);
    if (!row || !secretHashesEqual(row.secret_hash, parsed.secretHash)) {
      return { valid: false, reason: 'not-found' };
    }
    if (row.is_active !== 1) return this.end(toSession(row), 'user-inactive');
    const entry: CacheEntry = { username: row.username, session: toSession(row) };
    const result = this.check(token, entry, now, touch);
    if (result.valid && this.config.enableMemoryCache) this.cachePut(token, entry);
    return result;
  }

  private check(token: string, entry: CacheEntry, now: number, touch: boolean): ValidationResult {
    const session = entry.session;
    if (now >= session.expiresAt) return this.end(session, 'expired', token);
    if (now >= session.idleExpiresAt) return this.end(session, 'idle-timeout', token);
    if (touch && now - session.lastActiveAt >= this.config.activityWriteIntervalMs) {
      const idleExpiresAt = Math.min(now + this.idleTimeout(session.rememberMe), session.expiresAt);
      if (this.stmt.touch.run(now, idleExpiresAt, session.id).changes === 0) {
        this.cache.delete(token);
        return { valid: false, reason: 'not-found' };
      }
      session.lastActiveAt = now;
      session.idleExpiresAt = idleExpiresAt;
    }
    return {
      valid: true,
      userId: session.userId,
      username: entry.username,
      session: { ...session },
    };
  }

  private end(
    session: Session,
    reason: 'expired' | 'idle-timeout' | 'user-inactive',
    token?: string,
  ): ValidationResult {
    if (token !== undefined) this.cache.delete(token);
    if (this.stmt.deleteById.run(session.id).changes > 0) {
      this.onEvent({
        type: 'session-expired',
        sessionId: session.id,
        userId: session.userId,
        reason,
      });
    }
    return { valid: false, reason };
  }

  private cachePut(token: string, entry: CacheEntry): void {
    if (this.cache.size >= this.config.memoryCacheMaxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(token, entry);
  }

  private forgetSession(sessionId: string): void {
    for (const [key, entry] of this.cache) {
      if (entry.session.id === sessionId) this.cache.delete(key);
    }
  }

  private pruneCache(now: number): void {
    for (const [key, entry] of this.cache) {
      if (now >= entry.session.idleExpiresAt) this.cache.delete(key);
    }
  }
}

function pluck<P extends unknown[], R>(db: Db, sql: string): Statement<P, R> {
  return db.prepare(sql).pluck() as unknown as Statement<P, R>;
}

function toSession(row: SessionRow): Session {
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

function pickLifetimes(config: SessionLifetimeConfig): SessionLifetimeConfig {
  return {
    standardLifetimeMs: config.standardLifetimeMs,
    rememberedLifetimeMs: config.rememberedLifetimeMs,
    standardIdleTimeoutMs: config.standardIdleTimeoutMs,
    rememberedIdleTimeoutMs: config.rememberedIdleTimeoutMs,
    activityWriteIntervalMs: config.activityWriteIntervalMs,
    enableMemoryCache: config.enableMemoryCache,
    memoryCacheMaxEntries: config.memoryCacheMaxEntries,
    cleanupStepBudgetMs: config.cleanupStepBudgetMs,
  };
}
