import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  fail,
  isInvokeChannel,
  ok,
  REQUEST_SCHEMAS,
  type AuthState,
  type ErrorCode,
  type InvokeChannel,
  type IpcResult,
  type RequestOf,
  type ResponseOf,
  type SessionView,
  type SignedOutReason,
  type StorageStatus,
} from '../shared/contract';
import {
  AccountError,
  AccountService,
  type PasswordCheck,
  type User,
} from './accounts/account-service';
import {
  AUDIT_ANCHOR_FILE_NAME,
  AUDIT_KEY_FILE_NAME,
  AuditLog,
  type AuditDetails,
  type AuditEventType,
  type AuditVerification,
} from './audit/audit-log';
import { resolveConfig, type SessionConfig, type SessionConfigInput } from './config';
import { migrate } from './db/migrate';
import { openDatabase, type Db } from './db/open-database';
import { removeStaleTempFiles } from './persistence/atomic-file';
import { SESSION_FILE_NAME, SessionFile } from './persistence/session-file';
import { readStoragePin, STORAGE_PIN_FILE_NAME, writeStoragePin } from './persistence/storage-pin';
import {
  boundSecretStoreCall,
  silentLogger,
  systemClock,
  WEAK_SECRET_BACKENDS,
  type Clock,
  type Logger,
  type SecretStore,
} from './ports';
import {
  SessionManager,
  type InvalidReason,
  type Session,
  type SessionEvent,
  type ValidationResult,
} from './sessions/session-manager';
import { StorageError, storageMessage, storageProblemOf } from './storage-error';

export type { AuditVerification } from './audit/audit-log';
export { StorageError, type StorageProblem } from './storage-error';

/** The database file inside the data directory. */
export const DATABASE_FILE_NAME = 'sessions.db';

/** Options of {@link createSessionRuntime}. */
export interface SessionRuntimeOptions {
  /** Where the database, `session.enc` and the audit anchor live (`userData` in Electron). */
  dataDir: string;
  /** Encrypts `session.enc` and the audit key (Electron `safeStorage` in the app). */
  secretStore: SecretStore;
  /** `{ now(): number }`, ms since the epoch; the system clock by default. */
  clock?: Clock;
  config?: SessionConfigInput;
  logger?: Logger;
  /** The `migrations/` folder; it moves when packaged. Defaults to `./migrations`. */
  migrationsDir?: string;
  /** How sessions created here describe this device; host name and platform by default. */
  device?: string;
}

/** OS events the Electron shell forwards from `powerMonitor`. */
export type SystemEvent = 'lock-screen' | 'unlock-screen' | 'suspend' | 'resume';

/** The main process's session service: every IPC channel behind one `invoke`. */
export interface SessionRuntime {
  /** Handles one IPC request. Never rejects: every outcome is an envelope. */
  invoke(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
  /** Called with the new `AuthState` whenever it changes; returns an unsubscribe function. */
  onStateChanged(listener: (state: AuthState) => void): () => void;
  /** The current state, without counting as activity. */
  getState(): AuthState;
  /** Re-checks the current session now (the poll timer does this every few seconds). */
  refresh(): Promise<AuthState>;
  /** Deletes expired sessions and stale sign-in failure records (also run on a timer). */
  runCleanup(): Promise<number>;
  /**
   * Activates or deactivates an account (an administrative action: there is no IPC channel for
   * it). Deactivating ends every session of the account, this instance's included. Audited.
   * Returns how many sessions ended.
   */
  setUserActive(userId: number, active: boolean): Promise<number>;
  /** Records an OS event; may end a standard session (see `endStandardSessionOnLock`). */
  handleSystemEvent(event: SystemEvent): Promise<void>;
  readonly sessions: SessionManager;
  readonly accounts: AccountService;
  readonly audit: { verify(): Promise<AuditVerification> };
  readonly config: Readonly<SessionConfig>;
  /** Stops timers, ends a session that was never persisted, closes the database. */
  close(): Promise<void>;
}

/**
 * Opens the database in `dataDir` (migrating it), restores a remembered session from
 * `session.enc`, and returns the runtime. Startup never fails because of `session.enc` or the
 * keyring; it fails only when the database cannot be opened (for example one from a newer app:
 * `DatabaseFromFutureError`) or the data directory cannot be written (`StorageError`, code
 * `STORAGE_FULL`, `STORAGE_READ_ONLY` or `STORAGE_IO`).
 */
export async function createSessionRuntime(
  options: SessionRuntimeOptions,
): Promise<SessionRuntime> {
  const runtime = new Runtime(options);
  try {
    await runtime.start();
  } catch (error) {
    await runtime.close().catch(() => {});
    // A full or read-only disk gets a clear error the shell can show (nothing was changed).
    const problem = storageProblemOf(error, options.dataDir);
    if (problem) throw new StorageError(problem, options.dataDir, { cause: error });
    throw error;
  }
  return runtime;
}

/** A failure a handler reports to the renderer. */
class Refusal extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

interface Current {
  token: string;
  userId: number;
  username: string;
  session: Session;
  /** Written to session.enc by this instance. */
  persisted: boolean;
  /** When a password was last entered in this instance; -Infinity after a restore. */
  reauthAt: number;
  /** The user's password_changed_at when last seen, to explain a revocation. */
  passwordChangedAt: number;
}

type Handlers = { [C in InvokeChannel]: (request: RequestOf<C>) => Promise<ResponseOf<C>> };

const GENERIC_ERROR = 'Something went wrong. Please try again.';
const BAD_CREDENTIALS = 'Incorrect username or password';

class Runtime implements SessionRuntime {
  readonly config: SessionConfig;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly dataDir: string;
  private readonly secretStore: SecretStore;
  private readonly sessionFile: SessionFile;
  private readonly device: string;
  private db: Db | null = null;
  private sessionManager: SessionManager | null = null;
  private accountService: AccountService | null = null;
  private auditLog: AuditLog | null = null;
  private storage: StorageStatus = { persistent: false, backend: 'unknown', reason: 'unavailable' };
  private current: Current | null = null;
  private signedOutReason: SignedOutReason = 'not-signed-in';
  private readonly listeners = new Set<(state: AuthState) => void>();
  private lastPublished = '';
  private tail: Promise<unknown> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly stopping = new AbortController();
  private closed = false;
  private cleaning: Promise<number> | null = null;
  private readonly handlers: Handlers;

  constructor(private readonly options: SessionRuntimeOptions) {
    this.config = resolveConfig(options.config);
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger;
    this.dataDir = options.dataDir;
    this.secretStore = withTimeout(options.secretStore, this.config.secretStoreTimeoutMs);
    this.sessionFile = new SessionFile(this.dataDir, this.secretStore);
    this.device = options.device ?? `${os.hostname()} (${process.platform})`;
    this.handlers = {
      'auth:register': (r) => this.register(r),
      'auth:login': (r) => this.login(r),
      'auth:validate': () => this.validate(),
      'auth:logout': () => this.logout(),
      'auth:sessions': () => this.listSessions(),
      'auth:revoke-session': (r) => this.revokeSession(r),
      'auth:revoke-other-sessions': (r) => this.revokeOtherSessions(r),
      'auth:change-password': (r) => this.changePassword(r),
    };
  }

  get sessions(): SessionManager {
    return this.need(this.sessionManager);
  }

  get accounts(): AccountService {
    return this.need(this.accountService);
  }

  get audit(): { verify(): Promise<AuditVerification> } {
    const log = this.need(this.auditLog);
    return { verify: () => log.verify() };
  }

  async start(): Promise<void> {
    fs.mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    // Refuse a read-only directory or database up front (EROFS even for root): SQLite would
    // otherwise open it read-only, or not at all, depending on which side files happen to exist.
    fs.accessSync(this.dataDir, fs.constants.W_OK);
    const dbFile = path.join(this.dataDir, DATABASE_FILE_NAME);
    if (fs.existsSync(dbFile)) fs.accessSync(dbFile, fs.constants.W_OK);
    // A process killed mid-write leaves its temp file (a copy of session.enc, the anchor…).
    const stale = removeStaleTempFiles(this.dataDir, [
      SESSION_FILE_NAME,
      AUDIT_ANCHOR_FILE_NAME,
      AUDIT_KEY_FILE_NAME,
      STORAGE_PIN_FILE_NAME,
    ]);
    if (stale > 0)
      this.logger.info('removed temp files left by an interrupted write', { count: stale });
    const db = openDatabase(dbFile);
    this.db = db;
    migrate(db, this.options.migrationsDir ?? path.resolve('migrations'));
    this.storage = await this.probeStorage();
    this.auditLog = await AuditLog.open({
      db,
      dataDir: this.dataDir,
      clock: this.clock,
      logger: this.logger,
      secretStore: this.secretStore,
      secure: this.storage.persistent,
    });
    this.sessionManager = new SessionManager({
      db,
      clock: this.clock,
      config: this.config,
      onEvent: (event) => this.onSessionEvent(event),
    });
    this.accountService = new AccountService({
      db,
      sessions: this.sessionManager,
      clock: this.clock,
      argon2: this.config.argon2,
      lockout: this.config.lockout,
    });
    this.accountService.warmUp();
    const pinned = readStoragePin(this.dataDir);
    if (pinned !== null && pinned !== this.storage.backend) {
      this.record('storage-backend-changed', null, null, {
        from: pinned,
        to: this.storage.backend,
      });
    }
    await this.restore(pinned);
    this.lastPublished = stateKey(this.getState());

    this.every(this.config.externalChangePollMs, () => {
      if (this.current) void this.refresh();
    });
    this.every(this.config.cleanupIntervalMs, () => void this.runCleanup());
    setImmediate(() => void this.runCleanup());
    setImmediate(() => void this.verifyAtStartup());
  }

  async invoke(channel: string, payload: unknown): Promise<IpcResult<unknown>> {
    if (this.closed) return fail('INTERNAL', 'The app is shutting down.');
    if (!isInvokeChannel(channel)) return fail('INVALID_INPUT', 'Unknown request.');
    const parsed = REQUEST_SCHEMAS[channel].safeParse(payload);
    if (!parsed.success) return fail('INVALID_INPUT', describeIssue(parsed.error.issues[0]));
    const handler = this.handlers[channel] as (request: unknown) => Promise<unknown>;
    try {
      return ok(await this.serial(() => handler(parsed.data)));
    } catch (error) {
      if (error instanceof Refusal) return fail(error.code, error.message, error.retryAfterMs);
      const problem = storageProblemOf(error, this.dataDir);
      this.logger.error('request failed', {
        channel,
        error: describeError(error),
        ...(problem ? { storage: problem } : {}),
      });
      // Nothing was changed (see begin/end): say why, so the user can free space and retry.
      return fail('INTERNAL', problem ? storageMessage(problem) : GENERIC_ERROR);
    }
  }

  onStateChanged(listener: (state: AuthState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  getState(): AuthState {
    const c = this.current;
    if (!c)
      return { authenticated: false, reason: this.signedOutReason, storage: { ...this.storage } };
    return {
      authenticated: true,
      user: { id: c.userId, username: c.username },
      session: toView(c.session, c.session.id),
      storage: { ...this.storage },
    };
  }

  refresh(): Promise<AuthState> {
    if (this.closed) return Promise.resolve(this.getState());
    return this.serial(async () => {
      const c = this.current;
      if (c) {
        const result = this.sessions.validateSession(c.token);
        if (result.valid) c.session = result.session;
        else this.lose(c, result.reason);
      }
      return this.getState();
    }).catch((error: unknown) => {
      if (!this.closed) this.logger.error('session check failed', { error: describeError(error) });
      return this.getState();
    });
  }

  runCleanup(): Promise<number> {
    if (this.closed) return Promise.resolve(0);
    // One at a time: a second cleanup would write here while the first one's worker holds the
    // write lock, and wait for it synchronously.
    this.cleaning ??= this.cleanup().finally(() => {
      this.cleaning = null;
    });
    return this.cleaning;
  }

  private async cleanup(): Promise<number> {
    try {
      const count = await this.sessions.cleanupExpiredSessions({
        signal: this.stopping.signal,
        // A bulk cleanup's transactions hold the write lock (on a worker thread) for up to a
        // second each: requests wait in the queue meanwhile instead of blocking on the lock.
        runExclusive: (work) => this.serial(work),
      });
      if (!this.closed) this.accounts.forgetStaleFailures();
      return count;
    } catch (error) {
      if (!this.closed) this.logger.error('cleanup failed', { error: describeError(error) });
      return 0;
    }
  }

  setUserActive(userId: number, active: boolean): Promise<number> {
    return this.serial(async () => {
      const ended = this.accounts.setActive(userId, active);
      this.record(active ? 'account-activated' : 'account-deactivated', userId, null, {
        endedSessions: ended,
      });
      const c = this.current;
      if (!active && c?.userId === userId) this.end(c, 'account-disabled', false);
      return ended;
    });
  }

  async handleSystemEvent(event: SystemEvent): Promise<void> {
    if (this.closed) return;
    await this.serial(async () => {
      const c = this.current;
      this.record('system-event', c?.userId ?? null, c?.session.id ?? null, { event });
      if (!c) return;
      if (event === 'lock-screen' || event === 'suspend') {
        // The last activity before the boundary is written, so idle time counts from here.
        const result = this.sessions.validateSession(c.token, { touch: true });
        if (!result.valid) return this.lose(c, result.reason);
        c.session = result.session;
        if (this.config.endStandardSessionOnLock && !c.session.rememberMe)
          this.end(c, 'device-locked', true);
      }
    });
    if (event === 'resume' || event === 'unlock-screen') await this.refresh();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopping.abort();
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    // A cleanup stops between batches on the abort; let it finish (and record what it did).
    await this.cleaning?.catch(() => 0);
    await this.tail.catch(() => {});
    const c = this.current;
    // Another instance on this profile may have replaced session.enc since we wrote it.
    const onDisk =
      c?.persisted === true && this.sessionFile.readHeader()?.sessionId === c.session.id;
    if (c && this.db?.open && !onDisk) {
      // Its token lived only in memory (or its file was replaced): nobody can use it again.
      try {
        this.sessions.destroySession(c.session.id);
        this.record('sign-out', c.userId, c.session.id, { reason: 'app-quit' });
      } catch (error) {
        this.logger.warn('could not end the session at quit', { error: describeError(error) });
      }
    }
    this.current = null;
    this.listeners.clear();
    if (this.db?.open) this.db.close();
  }

  // ---- channels -------------------------------------------------------------------------------

  private async register(request: RequestOf<'auth:register'>): Promise<AuthState> {
    let user: User;
    try {
      user = await this.accounts.register(request.username, request.password);
    } catch (error) {
      if (error instanceof AccountError) throw new Refusal(error.code, error.message);
      throw error;
    }
    this.record('account-created', user.id, null, {});
    await this.begin(user, request.rememberMe === true);
    return this.getState();
  }

  private async login(request: RequestOf<'auth:login'>): Promise<AuthState> {
    const check = await this.accounts.authenticate(request.username, request.password);
    if (!check.ok) this.refuseCredentials(check, BAD_CREDENTIALS, 'sign-in');
    await this.begin(check.user, request.rememberMe === true);
    return this.getState();
  }

  private async validate(): Promise<AuthState> {
    const c = this.current;
    if (c) {
      const result = this.validateActive(c.token);
      if (result.valid) c.session = result.session;
      else this.lose(c, result.reason);
    }
    return this.getState();
  }

  private async logout(): Promise<AuthState> {
    if (this.current) this.end(this.current, 'signed-out', true);
    else this.signedOutReason = 'signed-out';
    return this.getState();
  }

  private async listSessions(): Promise<ResponseOf<'auth:sessions'>> {
    const c = this.requireCurrent();
    return {
      sessions: this.sessions.getUserSessions(c.userId).map((s) => toView(s, c.session.id)),
    };
  }

  private async revokeSession(
    request: RequestOf<'auth:revoke-session'>,
  ): Promise<ResponseOf<'auth:revoke-session'>> {
    const c = this.requireCurrent();
    if (request.sessionId === c.session.id) {
      this.end(c, 'signed-out', true);
      return { revoked: true };
    }
    await this.reauthenticate(c, request.password);
    const target = this.sessions.getSessionMetadata(request.sessionId);
    if (!target || target.userId !== c.userId || !target.active) {
      throw new Refusal('NOT_FOUND', 'That session has already ended.');
    }
    const revoked = this.sessions.destroySession(target.id);
    this.record('session-revoked', c.userId, target.id, { by: c.session.id });
    return { revoked };
  }

  private async revokeOtherSessions(
    request: RequestOf<'auth:revoke-other-sessions'>,
  ): Promise<ResponseOf<'auth:revoke-other-sessions'>> {
    const c = this.requireCurrent();
    await this.reauthenticate(c, request.password);
    const revoked = this.sessions.revokeUserSessions(c.userId, c.session.id);
    this.record('sessions-revoked', c.userId, null, { count: revoked, by: c.session.id });
    return { revoked };
  }

  private async changePassword(
    request: RequestOf<'auth:change-password'>,
  ): Promise<ResponseOf<'auth:change-password'>> {
    const c = this.requireCurrent();
    let check: PasswordCheck;
    try {
      check = await this.accounts.changePassword(
        c.userId,
        request.currentPassword,
        request.newPassword,
      );
    } catch (error) {
      if (error instanceof AccountError) throw new Refusal(error.code, error.message);
      throw error;
    }
    if (!check.ok) this.refuseCredentials(check, 'Incorrect current password', 'change-password');
    c.reauthAt = this.clock.now();
    c.passwordChangedAt = check.user.passwordChangedAt;
    const revokedSessions =
      request.signOutOtherSessions === false
        ? 0
        : this.sessions.revokeUserSessions(c.userId, c.session.id);
    this.record('password-changed', c.userId, c.session.id, { revokedSessions });
    return { revokedSessions };
  }

  // ---- session lifecycle ----------------------------------------------------------------------

  /** Starts a new current session for `user`; the previous one ends. */
  private async begin(user: User, rememberMe: boolean): Promise<void> {
    if (rememberMe) this.storage = await this.probeStorage();
    const remember = rememberMe && this.storage.persistent;
    // The new row first: if the disk refuses it, the previous session is still intact.
    const { token, session } = this.sessions.createSession({
      userId: user.id,
      rememberMe: remember,
      device: this.device,
    });
    const previous = this.current;
    if (previous) {
      // A sign-in's writes are spread over event-loop turns so that none of them stalls the UI
      // for long; this runs as a serial task, so no other request can run in between.
      await yieldToEventLoop();
      try {
        this.end(previous, 'signed-out', true, 'replaced', false);
      } catch (error) {
        try {
          this.sessions.destroySession(session.id);
        } catch {
          // Its token exists nowhere: the row is unusable and expires on its own.
        }
        throw error;
      }
    }
    const c: Current = {
      token,
      userId: user.id,
      username: user.username,
      session,
      persisted: false,
      reauthAt: session.createdAt,
      passwordChangedAt: user.passwordChangedAt,
    };
    this.current = c;
    if (remember) {
      try {
        await this.sessionFile.write(token, this.storage.backend);
        writeStoragePin(this.dataDir, this.storage.backend);
        c.persisted = true;
      } catch (error) {
        this.logger.warn('could not keep the session across restarts', {
          error: describeError(error),
        });
        this.record('session-persist-failed', user.id, session.id, { error: describeError(error) });
      }
    }
    await yieldToEventLoop();
    this.record('sign-in', user.id, session.id, { rememberMe: remember, persisted: c.persisted });
    this.publish();
  }

  /** Ends `c` as the current session. */
  private end(
    c: Current,
    reason: SignedOutReason,
    destroy: boolean,
    auditReason: string = reason,
    publish = true,
  ): void {
    // The database first: if it cannot be written, nothing has changed and the user is still
    // signed in (the caller reports the error).
    if (destroy) this.sessions.destroySession(c.session.id);
    if (this.current === c) this.current = null;
    if (c.persisted) {
      try {
        this.sessionFile.delete(c.session.id);
      } catch (error) {
        // The row is gone, so the file can no longer restore anything; the next start removes it.
        this.logger.warn('could not delete session.enc', { error: describeError(error) });
      }
    }
    this.signedOutReason = reason;
    this.record('sign-out', c.userId, c.session.id, { reason: auditReason });
    if (publish) this.publish();
  }

  /** The current session stopped validating: say why, in the user's terms. */
  private lose(c: Current, invalid: InvalidReason): void {
    this.end(c, this.explain(c, invalid), false);
  }

  private explain(c: Current, invalid: InvalidReason): SignedOutReason {
    if (invalid === 'expired') return 'expired';
    if (invalid === 'idle-timeout') return 'idle-timeout';
    if (invalid === 'user-inactive') return 'account-disabled';
    // The row is gone. Cleanup (here or in another process) may have deleted it for expiring:
    // a follow-up check of the deadlines we last saw, not a second reading within the validation.
    const now = this.clock.now();
    if (now >= c.session.expiresAt) return 'expired';
    if (now >= c.session.idleExpiresAt) return 'idle-timeout';
    const user = this.accounts.findById(c.userId);
    if (!user || !user.isActive) return 'account-disabled';
    if (user.passwordChangedAt !== c.passwordChangedAt) return 'password-changed';
    return 'revoked';
  }

  /**
   * Validates `token` as activity. When the activity cannot be written (disk full or read-only)
   * the session is still checked, read-only: a failed bookkeeping write must not sign anybody
   * out, it only keeps the idle deadline where it was.
   */
  private validateActive(token: string): ValidationResult {
    try {
      return this.sessions.validateSession(token, { touch: true });
    } catch (error) {
      if (!storageProblemOf(error, this.dataDir)) throw error;
      this.logger.warn('could not record activity', { error: describeError(error) });
      return this.sessions.validateSession(token);
    }
  }

  private requireCurrent(): Current {
    const c = this.current;
    if (!c) throw new Refusal('NOT_AUTHENTICATED', 'You are not signed in.');
    const result = this.validateActive(c.token);
    if (!result.valid) {
      this.lose(c, result.reason);
      throw new Refusal('NOT_AUTHENTICATED', 'You are not signed in.');
    }
    c.session = result.session;
    return c;
  }

  /** Revoking another session needs a password entered within the re-auth window. */
  private async reauthenticate(c: Current, password: string | undefined): Promise<void> {
    const now = this.clock.now();
    if (password === undefined) {
      if (now - c.reauthAt < this.config.reauthWindowMs) return;
      throw new Refusal('REAUTH_REQUIRED', 'Enter your password to continue.');
    }
    const check = await this.accounts.verifyPassword(c.userId, password);
    if (!check.ok) this.refuseCredentials(check, 'Incorrect password', 'reauthenticate');
    c.reauthAt = now;
  }

  private refuseCredentials(
    check: Exclude<PasswordCheck, { ok: true }>,
    message: string,
    context: string,
  ): never {
    this.record('sign-in-failed', check.userId, null, {
      context,
      outcome: check.code === 'RATE_LIMITED' && !check.lockedNow ? 'locked' : 'wrong-credentials',
      failures: check.failures,
    });
    if (check.code === 'RATE_LIMITED') {
      if (check.lockedNow)
        this.record('lock-out', check.userId, null, { context, lockedForMs: check.retryAfterMs });
      const seconds = Math.ceil(check.retryAfterMs / 1000);
      throw new Refusal(
        'RATE_LIMITED',
        `Too many failed attempts. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        check.retryAfterMs,
      );
    }
    throw new Refusal('INVALID_CREDENTIALS', message);
  }

  // ---- startup --------------------------------------------------------------------------------

  private async probeStorage(): Promise<StorageStatus> {
    let available = false;
    let backend = 'unknown';
    try {
      const status = await this.secretStore.status();
      available = status.available === true;
      backend = typeof status.backend === 'string' && status.backend ? status.backend : 'unknown';
    } catch (error) {
      this.logger.warn('secret store status failed', { error: describeError(error) });
    }
    if (!available) return { persistent: false, backend, reason: 'unavailable' };
    if (WEAK_SECRET_BACKENDS.has(backend) && !this.config.allowWeakSecretStorage) {
      return { persistent: false, backend, reason: 'weak-backend' };
    }
    return { persistent: true, backend };
  }

  /** Restores a remembered session from session.enc; anything but a valid one starts signed out. */
  private async restore(pinned: string | null): Promise<void> {
    if (
      !this.storage.persistent &&
      this.storage.reason === 'unavailable' &&
      fs.existsSync(this.sessionFile.path)
    ) {
      // The keyring may come back: keep the file for the next start.
      this.record('session-restore-failed', null, null, {
        reason: 'storage-unavailable',
        kept: true,
      });
      this.signedOutReason = 'storage-unavailable';
      return;
    }
    const content = await this.sessionFile.read();
    const failed = (reason: SignedOutReason, details: AuditDetails, keep = false): void => {
      if (!keep) this.sessionFile.delete();
      this.record('session-restore-failed', null, null, { ...details, kept: keep });
      this.signedOutReason = reason;
    };
    switch (content.kind) {
      case 'missing':
        return;
      case 'corrupt':
        return failed('restore-failed', { reason: 'corrupt', detail: content.detail });
      case 'unreadable':
        // A disk or permission hiccup is not bad content: the file may restore next time.
        return failed('restore-failed', { reason: 'unreadable', code: content.code }, true);
      case 'unsupported-version':
        return failed('restore-failed', {
          reason: 'unsupported-version',
          version: String(content.version),
        });
      case 'undecryptable': {
        if (content.transient)
          return failed('storage-unavailable', { reason: 'storage-unavailable' }, true);
        const changed =
          content.header.backend !== this.storage.backend ||
          (pinned !== null && pinned !== this.storage.backend);
        return changed
          ? failed('storage-changed', {
              reason: 'storage-changed',
              from: content.header.backend,
              to: this.storage.backend,
            })
          : failed('restore-failed', { reason: 'undecryptable' });
      }
      case 'token': {
        const result = this.validateActive(content.token);
        if (!result.valid) {
          const reason: SignedOutReason =
            result.reason === 'expired' || result.reason === 'idle-timeout'
              ? result.reason
              : result.reason === 'user-inactive'
                ? 'account-disabled'
                : 'revoked';
          return failed(reason, { reason: result.reason });
        }
        const user = this.accounts.findById(result.userId);
        this.current = {
          token: content.token,
          userId: result.userId,
          username: result.username,
          session: result.session,
          persisted: true,
          reauthAt: Number.NEGATIVE_INFINITY,
          passwordChangedAt: user?.passwordChangedAt ?? 0,
        };
        this.record('session-restored', result.userId, result.session.id, {});
        return;
      }
    }
  }

  private async verifyAtStartup(): Promise<void> {
    if (this.closed || !this.auditLog) return;
    try {
      const result = await this.auditLog.verify();
      const fields = { ...result };
      if (result.ok) this.logger.info('audit log verified', fields);
      else this.logger.error('audit log verification FAILED', fields);
    } catch (error) {
      if (!this.closed)
        this.logger.error('audit log verification could not run', { error: describeError(error) });
    }
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private onSessionEvent(event: SessionEvent): void {
    if (event.type === 'session-expired') {
      this.record('session-expired', event.userId, event.sessionId, { reason: event.reason });
    } else {
      this.record('cleanup', null, null, { deleted: event.count });
    }
  }

  private record(
    event: AuditEventType,
    userId: number | null,
    sessionId: string | null,
    details: AuditDetails,
  ): void {
    try {
      this.auditLog?.record({ event, userId, sessionId, details });
    } catch (error) {
      // An audit failure must never lock anybody out; it is logged loudly instead.
      this.logger.error('could not write the audit log', { event, error: describeError(error) });
    }
  }

  private publish(): void {
    const state = this.getState();
    const key = stateKey(state);
    if (key === this.lastPublished) return;
    this.lastPublished = key;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.logger.error('state listener failed', { error: describeError(error) });
      }
    }
  }

  /** Runs tasks one at a time, so a sign-in, a sign-out and a timer check never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => {});
    return run;
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.timers.push(timer);
  }

  private need<T>(value: T | null): T {
    if (value === null) throw new Error('The session runtime has not started.');
    return value;
  }
}

function toView(session: Session, currentId: string): SessionView {
  return {
    id: session.id,
    createdAt: session.createdAt,
    lastActiveAt: session.lastActiveAt,
    expiresAt: session.expiresAt,
    idleExpiresAt: session.idleExpiresAt,
    rememberMe: session.rememberMe,
    current: session.id === currentId,
    device: session.device,
  };
}

function stateKey(state: AuthState): string {
  return state.authenticated
    ? `in:${state.session.id}:${state.storage.persistent}`
    : `out:${state.reason}:${state.storage.persistent}`;
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'Invalid request.';
  const where = issue.path.map(String).join('.');
  return `${where ? `${where}: ` : ''}${issue.message}`.slice(0, 200);
}

/** An error's kind and message for the log; never a payload. */
function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return 'non-error thrown';
}

/** Wraps a SecretStore so that a call that hangs fails as transient after `ms`. */
function withTimeout(store: SecretStore, ms: number): SecretStore {
  return {
    status: () => boundSecretStoreCall('status', ms, () => store.status()),
    encrypt: (plaintext) => boundSecretStoreCall('encrypt', ms, () => store.encrypt(plaintext)),
    decrypt: (ciphertext) => boundSecretStoreCall('decrypt', ms, () => store.decrypt(ciphertext)),
  };
}
