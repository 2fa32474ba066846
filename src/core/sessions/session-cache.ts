/**
 * The memory cache of validated sessions. Keyed by the whole token: a hit means this exact token
 * was checked against its stored hash before, so a hit skips parsing, hashing and the row query.
 * A lookup compares the whole string (hash first), so its timing says nothing about how much of a
 * wrong token was right; a miss falls through to the constant-time check against the database.
 *
 * Never stale: the manager applies its own writes here, and a commit by any other connection
 * (another process, a maintenance script) changes `PRAGMA data_version`, which flushes everything.
 * Reading that version is the one prepared step a cached lookup costs.
 */
import type { Session } from './session-types';

/** A validated session as cached: a frozen session (replaced on activity) and its username. */
export interface CacheEntry {
  username: string;
  session: Readonly<Session>;
}

/** A bounded token → session map that empties itself when another connection commits. */
export class SessionCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** Session id → its cached token, so that ending a session forgets it without a scan. */
  private readonly tokens = new Map<string, string>();
  private version = Number.NaN;

  /**
   * @param readVersion returns the connection's `PRAGMA data_version`.
   * @param maxEntries the bound; the oldest entry goes first.
   */
  constructor(
    private readonly readVersion: () => number,
    private readonly maxEntries: number,
  ) {}

  /** How many tokens are cached. */
  get size(): number {
    return this.entries.size;
  }

  /** The entry of `token`, unless another connection committed since it was cached. */
  get(token: string): CacheEntry | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    const version = this.readVersion();
    if (version === this.version) return entry;
    // Anything may have been revoked, shortened or disabled meanwhile.
    this.reset(version);
    return undefined;
  }

  /**
   * Notes the database's version before a row that will be cached is read, so that a commit
   * landing between this call and the read flushes the entry at its next lookup.
   */
  beforeRead(): void {
    const version = this.readVersion();
    if (version !== this.version) this.reset(version);
  }

  /** Caches a session just validated against the database (after {@link beforeRead}). */
  put(token: string, entry: CacheEntry): void {
    if (!this.entries.has(token) && this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    this.entries.set(token, entry);
    this.tokens.set(entry.session.id, token);
  }

  /** Forgets one token. */
  delete(token: string): void {
    const entry = this.entries.get(token);
    if (!entry) return;
    this.entries.delete(token);
    this.tokens.delete(entry.session.id);
  }

  /** Forgets a session, whichever token cached it. */
  forgetSession(sessionId: string): void {
    const token = this.tokens.get(sessionId);
    if (token !== undefined) this.delete(token);
  }

  /** Forgets every session of `userId` but `exceptSessionId`. */
  forgetUser(userId: number, exceptSessionId?: string): void {
    for (const [token, entry] of this.entries) {
      if (entry.session.userId === userId && entry.session.id !== exceptSessionId)
        this.delete(token);
    }
  }

  /** Forgets every session no longer usable at `now` (after a cleanup deleted their rows). */
  prune(now: number): void {
    for (const [token, entry] of this.entries) {
      if (now >= entry.session.idleExpiresAt) this.delete(token);
    }
  }

  /** Forgets everything. */
  clear(): void {
    this.entries.clear();
    this.tokens.clear();
  }

  private reset(version: number): void {
    this.clear();
    this.version = version;
  }
}
