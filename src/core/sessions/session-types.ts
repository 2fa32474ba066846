/**
 * The types of the sessions module. A leaf: it imports nothing but types, so that any layer (the
 * runtime, the CLI, the preview host, the shell) can name a session without loading SQLite code.
 */
import type { SessionLifetimeConfig } from '../config';
import type { Db } from '../db/open-database';
import type { Clock } from '../ports';

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

/** A session with its account's name, as the maintenance CLI lists them. */
export interface SessionWithUsername extends Session {
  username: string;
}

/** Options of `listSessions` (the maintenance CLI's `list`). */
export interface ListSessionsOptions {
  /** Only this account's sessions. */
  userId?: number;
  /** At most this many (a whole number); omit it for all. */
  limit?: number;
}

/** Row counts of `countSessions` at one instant. */
export interface SessionTotals {
  /** Every row, expired or not. */
  total: number;
  /** Usable now: `idle_expires_at > now`. */
  active: number;
  /** Expired and not yet removed by a cleanup: `total - active`. */
  expired: number;
  /** Usable now and "Keep me signed in". */
  remembered: number;
}

/** Why a token did not validate. */
export type InvalidReason =
  'malformed' | 'not-found' | 'expired' | 'idle-timeout' | 'user-inactive';

/** The answer of `SessionManager.validateSession`. */
export type ValidationResult =
  | { valid: true; userId: number; username: string; session: Session }
  | { valid: false; reason: InvalidReason };

/** `SessionManager.getSessionMetadata`: a session and whether it is still usable. */
export interface SessionMetadata extends Session {
  username: string;
  userActive: boolean;
  /** True when the session would validate now (ignoring the secret). */
  active: boolean;
}

/** Why the manager itself ended a session. */
export type EndReason = 'expired' | 'idle-timeout' | 'user-inactive';

/** What the manager reports to an audit sink. Never contains a token or a hash. */
export type SessionEvent =
  | { type: 'session-expired'; sessionId: string; userId: number; reason: EndReason }
  | { type: 'sessions-cleaned'; count: number };

/** Input of `SessionManager.createSession`. */
export interface CreateSessionInput {
  userId: number;
  rememberMe: boolean;
  /** A short human description of the device ("Alex's laptop (linux)"); at most 200 characters. */
  device?: string;
  ipAddress?: string | null;
}

/** Options of `SessionManager.validateSession`. */
export interface ValidateOptions {
  /** Count this validation as activity: slide the idle deadline (written at most once a minute). */
  touch?: boolean;
}

/** Runs one synchronous piece of database work when the caller's queue gets to it. */
export type BatchRunner = <T>(batch: () => T) => Promise<T>;

/** Options of `SessionManager.cleanupExpiredSessions`. */
export interface CleanupOptions {
  /** Stops the cleanup between two batches (the app is quitting). */
  signal?: AbortSignal;
  /**
   * Runs each synchronous batch (one bounded DELETE, or one WAL checkpoint) and resolves with
   * its result. The runtime passes its serial request queue, so requests run between batches and
   * never wait for more than one. By default each batch runs as soon as the loop gets to it.
   */
  runBatch?: BatchRunner;
}

/** Options of the `SessionManager` constructor. */
export interface SessionManagerOptions {
  db: Db;
  clock?: Clock;
  config?: Partial<SessionLifetimeConfig>;
  /** Called after the manager itself ends sessions (expiry found on validation, cleanup). */
  onEvent?: (event: SessionEvent) => void;
}

/** Counts of `SessionManager.getSessionCount`. */
export interface SessionCount {
  /** Sessions in the database still usable now. */
  active: number;
  /** Validated tokens held in the memory cache. */
  memoryCache: number;
  /** Every row of the table, expired or not. */
  database: number;
}
