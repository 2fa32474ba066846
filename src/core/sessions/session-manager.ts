import type { SessionLifetimeConfig } from '../config';
import { systemClock, type Clock } from '../ports';
import { SessionCache, type CacheEntry } from './session-cache';
import { deleteExpiredInBatches } from './session-cleanup';
import { initialDeadlines, resolveLifetimes, slidIdleDeadline } from './session-lifetimes';
import {
  sessionQueries,
  toMetadata,
  toSession,
  type SessionQueries,
  type SessionUserRow,
} from './session-queries';
import type {
  CleanupOptions,
  CreateSessionInput,
  EndReason,
  Session,
  SessionCount,
  SessionEvent,
  SessionManagerOptions,
  SessionMetadata,
  ValidateOptions,
  ValidationResult,
} from './session-types';
import {
  isSessionId,
  mintToken,
  parseToken,
  secretHashesEqual,
  TOKEN_LENGTH,
  type ParsedToken,
} from './token';

const MAX_DEVICE_LENGTH = 200;

/**
 * Sign-in sessions over the SQLite `sessions` table.
 *
 * Tokens are `<sessionId>.<secret>`; only SHA-256 of the secret is stored, compared in constant
 * time, and a malformed token is rejected before any query. Each operation reads the clock once.
 * The idle deadline slides on activity (written at most once per `activityWriteIntervalMs`) but
 * never past the absolute cap. With the memory cache on, a cached answer is never stale (see
 * `session-cache.ts`).
 */
export class SessionManager {
  private readonly clock: Clock;
  private readonly config: SessionLifetimeConfig;
  private readonly onEvent: (event: SessionEvent) => void;
  private readonly queries: SessionQueries;
  private readonly cache: SessionCache | null;

  constructor(options: SessionManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.config = resolveLifetimes(options.config);
    this.onEvent = options.onEvent ?? (() => {});
    this.queries = sessionQueries(options.db);
    this.cache = this.config.enableMemoryCache
      ? new SessionCache(this.queries.dataVersionReader(), this.config.memoryCacheMaxEntries)
      : null;
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
    const minted = mintToken();
    const session: Session = {
      id: minted.sessionId,
      userId: input.userId,
      createdAt: now,
      lastActiveAt: now,
      ...initialDeadlines(this.config, now, rememberMe),
      rememberMe,
      device: (input.device ?? '').slice(0, MAX_DEVICE_LENGTH),
      ipAddress: input.ipAddress ?? null,
    };
    this.queries.insert(session, minted.secretHash);
    return { token: minted.token, session: { ...session } };
  }

  /**
   * Checks a token. Malformed tokens are rejected before any query. An expired session found
   * here is deleted (and reported). With `touch`, a valid session's idle deadline slides. The
   * session in the answer is frozen (the cache shares it).
   */
  validateSession(token: unknown, options?: ValidateOptions): ValidationResult {
    const now = this.clock.now();
    const touch = options?.touch === true;
    // Only a string of a token's length can be cached: anything else skips the lookup.
    if (this.cache && typeof token === 'string' && token.length === TOKEN_LENGTH) {
      const cached = this.cache.get(token);
      if (cached) return this.check(token, cached, now, touch);
    }
    const parsed = parseToken(token);
    if (!parsed) return { valid: false, reason: 'malformed' };
    this.cache?.beforeRead();
    const row = this.genuineRow(parsed);
    if (!row) return { valid: false, reason: 'not-found' };
    const session = Object.freeze(toSession(row));
    if (row.is_active !== 1) return this.end(session, 'user-inactive');
    const entry: CacheEntry = { username: row.username, session };
    const result = this.check(token as string, entry, now, touch);
    if (result.valid) this.cache?.put(token as string, entry);
    return result;
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
    const parsed = isSessionId(idOrToken) ? null : parseToken(idOrToken);
    const id = parsed ? this.genuineRow(parsed)?.id : isSessionId(idOrToken) && idOrToken;
    if (!id) return false;
    this.cache?.forgetSession(id);
    return this.queries.deleteById(id);
  }

  /** Ends every session of a user, or every one but `exceptSessionId`. Returns how many. */
  revokeUserSessions(userId: number, exceptSessionId?: string): number {
    this.cache?.forgetUser(userId, exceptSessionId);
    return this.queries.deleteByUser(userId, exceptSessionId);
  }

  /** The user's sessions that are still usable, most recently active first. */
  getUserSessions(userId: number): Session[] {
    return this.queries.liveByUser(userId, this.clock.now());
  }

  /** Ids of every session still usable now. */
  getActiveSessionIds(): string[] {
    return this.queries.liveIds(this.clock.now());
  }

  /** A session and its state, for diagnostics; null when there is no such row. */
  getSessionMetadata(sessionId: string): SessionMetadata | null {
    if (!isSessionId(sessionId)) return null;
    const now = this.clock.now();
    const row = this.queries.getWithUser(sessionId);
    return row ? toMetadata(row, now) : null;
  }

  /** Counts: usable sessions in the database, entries in the memory cache, all rows. */
  getSessionCount(): SessionCount {
    const now = this.clock.now();
    return {
      active: this.queries.countLive(now),
      memoryCache: this.cache?.size ?? 0,
      database: this.queries.countAll(),
    };
  }

  /**
   * Deletes every session expired when called (`idle_expires_at <= now`) and returns the count:
   * in short committed batches on this thread, each through `options.runBatch` (the runtime's
   * request queue), yielding between them, until none is left or `options.signal` aborts (see
   * `session-cleanup.ts`). Reports `sessions-cleaned` once with the total, also when a later
   * batch fails (the earlier ones are committed).
   */
  async cleanupExpiredSessions(options: CleanupOptions = {}): Promise<number> {
    const now = this.clock.now();
    const tally = { deleted: 0 };
    try {
      const budgetMs = this.config.cleanupStepBudgetMs;
      await deleteExpiredInBatches({ ...options, queries: this.queries, now, budgetMs, tally });
    } finally {
      this.cache?.prune(now);
      if (tally.deleted > 0) this.onEvent({ type: 'sessions-cleaned', count: tally.deleted });
    }
    return tally.deleted;
  }

  /** Drops every cached answer (for hosts that write sessions or users on this connection directly). */
  clearCache(): void {
    this.cache?.clear();
  }

  /** The deadlines and the activity write of a session whose secret has been checked. */
  private check(token: string, entry: CacheEntry, now: number, touch: boolean): ValidationResult {
    const session = entry.session;
    if (now >= session.expiresAt) return this.end(session, 'expired', token);
    if (now >= session.idleExpiresAt) return this.end(session, 'idle-timeout', token);
    const idleExpiresAt = touch ? slidIdleDeadline(this.config, session, now) : null;
    if (idleExpiresAt !== null) {
      if (!this.queries.touch(session.id, now, idleExpiresAt)) {
        this.cache?.delete(token);
        return { valid: false, reason: 'not-found' };
      }
      entry.session = Object.freeze({ ...session, lastActiveAt: now, idleExpiresAt });
    }
    // Frozen and shared with the cache: a hit copies nothing.
    return {
      valid: true,
      userId: session.userId,
      username: entry.username,
      session: entry.session,
    };
  }

  /** The row of a parsed token if its secret matches the stored hash (compared in constant time). */
  private genuineRow(parsed: ParsedToken): SessionUserRow | undefined {
    const row = this.queries.getWithUser(parsed.sessionId);
    return row && secretHashesEqual(row.secret_hash, parsed.secretHash) ? row : undefined;
  }

  /** Deletes a session found unusable, reporting it if this call deleted the row. */
  private end(session: Session, reason: EndReason, token?: string): ValidationResult {
    if (token !== undefined) this.cache?.delete(token);
    const { id: sessionId, userId } = session;
    if (this.queries.deleteById(sessionId))
      this.onEvent({ type: 'session-expired', sessionId, userId, reason });
    return { valid: false, reason };
  }
}
