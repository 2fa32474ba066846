import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import {
  fail,
  ok,
  type AuthState,
  type IpcResult,
  type SessionView,
  type SignedOutReason,
  type StorageStatus,
} from '../../contract/contract';
import type { AccountService } from '../accounts/account-service';
import type { User } from '../accounts/account-types';
import { MAINTENANCE_CLI_ACTOR } from '../audit/audit-queries';
import { describeError } from '../errors/describe-error';
import { diskProblemOf } from '../errors/disk-error';
import type { SessionFile } from '../persistence/session-file';
import { writeStoragePin } from '../persistence/storage-pin';
import type { Clock, Logger } from '../ports';
import type { SessionManager } from '../sessions/session-manager';
import type { InvalidReason, Session, ValidationResult } from '../sessions/session-types';
import type { RecordEvent, RecordWith } from './audit-trail';

/** The session of this app instance: its token lives only here and, when remembered, on disk. */
export interface Current {
  token: string;
  userId: number;
  username: string;
  session: Session;
  /** Written to session.enc by this instance (or restored from it). */
  persisted: boolean;
  /** When a password was last entered in this instance; -Infinity after a restore. */
  reauthAt: number;
  /** The user's password_changed_at when last seen, to explain a revocation. */
  passwordChangedAt: number;
}

/** How {@link CurrentSession.end} ends a session. */
export interface EndOptions {
  /** What the user is told. */
  reason: SignedOutReason;
  /** Delete the row too (false when it is gone already). */
  destroy: boolean;
  /** What the audit row says, when it differs from `reason` (`replaced`, `app-quit`). */
  auditReason?: string;
  /** Tell listeners now (a sign-in that replaces a session tells them once, at its end). */
  publish?: boolean;
}

/** The keyring status the runtime keeps, re-probed before a remembered sign-in. */
export interface StorageState {
  get(): StorageStatus;
  refresh(): Promise<StorageStatus>;
}

/** What {@link CurrentSession} works with. */
export interface CurrentSessionDeps {
  sessions: SessionManager;
  accounts: AccountService;
  sessionFile: SessionFile;
  storage: StorageState;
  record: RecordEvent;
  publish: (state: AuthState) => void;
  clock: Clock;
  logger: Logger;
  dataDir: string;
  /** How sessions created here describe this device. */
  device: string;
  /** The lifetime of a remembered session (told to a signed-out renderer). */
  rememberForMs: number;
  /** Runs a change and records its event in one transaction. */
  recordWith: RecordWith;
  /** Who the audit log says revoked a session (see `lastRevocationActor`), or null. */
  revokedBy(session: Session): string | null;
}

const NOT_SIGNED_IN = 'You are not signed in.';

/**
 * Who is signed in on this app instance, and every way that begins or ends: a sign-in, a sign-out,
 * a session found expired, revoked elsewhere or restored at startup. Callers run on the runtime's
 * serial queue, so nothing here interleaves.
 */
export class CurrentSession {
  private current: Current | null = null;
  private signedOutReason: SignedOutReason = 'not-signed-in';

  constructor(private readonly deps: CurrentSessionDeps) {}

  /** The current session, or null; not re-checked. */
  get(): Current | null {
    return this.current;
  }

  /** The auth state as the renderer sees it. */
  state(): AuthState {
    const storage = { ...this.deps.storage.get() };
    const c = this.current;
    if (!c) {
      const { rememberForMs } = this.deps;
      return { authenticated: false, reason: this.signedOutReason, storage, rememberForMs };
    }
    const user = { id: c.userId, username: c.username };
    return { authenticated: true, user, session: toView(c.session, c.session.id), storage };
  }

  /** Takes a session restored from session.enc as the current one. */
  adopt(current: Current): void {
    this.current = current;
  }

  /** Nobody is signed in, for `reason` (a restore that failed, a sign-out with nobody in). */
  signedOut(reason: SignedOutReason): void {
    this.signedOutReason = reason;
  }

  /**
   * Starts a new current session for `user`; the previous one ends. With `stillCurrent`, the row
   * is created only if it holds in the same transaction (the verified password is still the
   * account's); false when it did not, and nothing changed.
   */
  async begin(user: User, rememberMe: boolean, stillCurrent?: () => boolean): Promise<boolean> {
    const { sessions, storage } = this.deps;
    const remember = rememberMe && (await storage.refresh()).persistent;
    const device = this.deps.device;
    // The new row first, with its event: if the disk refuses it, the previous session is intact.
    const created = this.deps.recordWith(
      (made) =>
        made && {
          event: 'sign-in',
          userId: user.id,
          sessionId: made.session.id,
          details: { rememberMe: remember },
        },
      () =>
        stillCurrent && !stillCurrent()
          ? null
          : sessions.createSession({ userId: user.id, rememberMe: remember, device }),
    );
    if (!created) return false;
    const previous = this.current;
    if (previous) {
      // A sign-in's writes are spread over event-loop turns so that none of them stalls the UI
      // for long; this runs as a serial task, so no other request can run in between.
      await yieldToEventLoop();
      try {
        this.end(previous, {
          reason: 'signed-out',
          destroy: true,
          auditReason: 'replaced',
          publish: false,
        });
      } catch (error) {
        this.forget(created.session.id);
        throw error;
      }
    }
    const c: Current = {
      token: created.token,
      userId: user.id,
      username: user.username,
      session: created.session,
      persisted: false,
      reauthAt: created.session.createdAt,
      passwordChangedAt: user.passwordChangedAt,
    };
    this.current = c;
    if (remember) await this.persist(c);
    this.deps.publish(this.state());
    return true;
  }

  /** Ends `c` as the current session. */
  end(c: Current, options: EndOptions): void {
    // The database first: if it cannot be written, nothing has changed and the user is still
    // signed in (the caller reports the error).
    if (options.destroy) this.deps.sessions.destroySession(c.session.id);
    if (this.current === c) this.current = null;
    if (c.persisted) {
      try {
        this.deps.sessionFile.delete(c.session.id);
      } catch (error) {
        // The row is gone, so the file can no longer restore anything; the next start removes it.
        this.deps.logger.warn('could not delete session.enc', { error: describeError(error) });
      }
    }
    this.signedOutReason = options.reason;
    this.deps.record('sign-out', c.userId, c.session.id, {
      reason: options.auditReason ?? options.reason,
    });
    if (options.publish !== false) this.deps.publish(this.state());
  }

  /**
   * Re-checks the current session (as activity with `touch`). When it no longer validates, it ends
   * with the reason in the user's terms, and null comes back.
   */
  recheck(options: { touch: boolean }): Current | null {
    const c = this.current;
    if (!c) return null;
    const result = options.touch
      ? this.validateActive(c.token)
      : this.deps.sessions.validateSession(c.token);
    if (result.valid) {
      c.session = result.session;
      return c;
    }
    this.end(c, { reason: this.explain(c, result.reason), destroy: false });
    return null;
  }

  /** The current session, re-checked as activity, or `NOT_AUTHENTICATED`. */
  require(): IpcResult<Current> {
    const c = this.recheck({ touch: true });
    return c ? ok(c) : fail('NOT_AUTHENTICATED', NOT_SIGNED_IN);
  }

  /**
   * Validates `token` as activity. When the activity cannot be written (disk full or read-only)
   * the session is still checked, read-only: a failed bookkeeping write must not sign anybody
   * out, it only keeps the idle deadline where it was.
   */
  validateActive(token: string): ValidationResult {
    try {
      return this.deps.sessions.validateSession(token, { touch: true });
    } catch (error) {
      if (!diskProblemOf(error, this.deps.dataDir)) throw error;
      this.deps.logger.warn('could not record activity', { error: describeError(error) });
      return this.deps.sessions.validateSession(token);
    }
  }

  /** At quit: a session whose token lives only in memory can never be used again; it ends. */
  endAtQuit(): void {
    const c = this.current;
    this.current = null;
    // Another instance on this profile may have replaced session.enc since we wrote it.
    if (!c || (c.persisted && this.deps.sessionFile.readHeader()?.sessionId === c.session.id))
      return;
    try {
      this.deps.sessions.destroySession(c.session.id);
      this.deps.record('sign-out', c.userId, c.session.id, { reason: 'app-quit' });
    } catch (error) {
      this.deps.logger.warn('could not end the session at quit', { error: describeError(error) });
    }
  }

  /** Why `c` stopped validating, in the user's terms. */
  private explain(c: Current, invalid: InvalidReason): SignedOutReason {
    if (invalid === 'expired' || invalid === 'idle-timeout') return invalid;
    if (invalid === 'user-inactive') return 'account-disabled';
    // The row is gone. Cleanup (here or in another process) may have deleted it for expiring:
    // a follow-up check of the deadlines we last saw, not a second reading within the validation.
    const now = this.deps.clock.now();
    if (now >= c.session.expiresAt) return 'expired';
    if (now >= c.session.idleExpiresAt) return 'idle-timeout';
    const user = this.deps.accounts.findById(c.userId);
    if (!user || !user.isActive) return 'account-disabled';
    if (user.passwordChangedAt !== c.passwordChangedAt) return 'password-changed';
    return this.deps.revokedBy(c.session) === MAINTENANCE_CLI_ACTOR
      ? 'revoked-by-admin'
      : 'revoked';
  }

  private async persist(c: Current): Promise<void> {
    const backend = this.deps.storage.get().backend;
    try {
      await this.deps.sessionFile.write(c.token, backend);
      writeStoragePin(this.deps.dataDir, backend);
      c.persisted = true;
    } catch (error) {
      this.deps.logger.warn('could not keep the session across restarts', {
        error: describeError(error),
      });
      this.deps.record('session-persist-failed', c.userId, c.session.id, {
        error: describeError(error),
      });
    }
  }

  private forget(sessionId: string): void {
    try {
      this.deps.sessions.destroySession(sessionId);
    } catch {
      // Its token exists nowhere: the row is unusable and expires on its own.
    }
  }
}

/** A session as the renderer sees it: never a token or a hash. */
export function toView(session: Session, currentId: string): SessionView {
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
