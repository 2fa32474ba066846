import type {
  AppChannelDefinitions,
  AppChannelOf,
  AppRequestOf,
  AppResponseOf,
  AuthState,
  InvokeChannel,
  IpcResult,
  NoAppChannels,
  RequestOf,
  ResponseOf,
} from '../../contract/contract';
import type { AccountService } from '../accounts/account-service';
import type { AuditVerification } from '../audit/audit-types';
import type { SessionConfig, SessionConfigInput } from '../config';
import type { ProfileService } from '../profile/profile-service';
import type { Clock, Logger, SecretStore } from '../ports';
import type { SessionManager } from '../sessions/session-manager';
import type { ProtectedContext, ProtectedHandler } from './protected-types';

/** Options of `createSessionRuntime`; `D` is the host app's channel set (`appChannels`). */
export interface SessionRuntimeOptions<D extends AppChannelDefinitions = NoAppChannels> {
  /** Where the database, `session.enc` and the audit files live (`userData` in Electron). */
  dataDir: string;
  /** Encrypts `session.enc` and the audit key (Electron `safeStorage` in the app). */
  secretStore: SecretStore;
  /** `{ now(): number }`, ms since the epoch; the system clock by default. */
  clock?: Clock;
  config?: SessionConfigInput;
  logger?: Logger;
  /** The `migrations/` folder; found beside the package by default. */
  migrationsDir?: string;
  /** How sessions created here describe this device; host name and platform by default. */
  device?: string;
  /**
   * An earlier Justice Companion database (`userData/justice.db`) whose accounts are imported at
   * startup, before the session is restored, once: into a profile that has no account yet (a
   * profile in use takes an import only from the maintenance CLI). One that cannot be read or is
   * not recognised never stops startup: it is logged and audited, and the app starts as it would
   * without it. See docs/upgrading.md.
   */
  legacyDatabase?: string;
  /**
   * The host app's own channels (`defineAppChannels`), answered only for a valid session once
   * `protect` gives each a handler. A bad name throws here, before anything is opened.
   */
  appChannels?: D;
}

/** OS events the Electron shell forwards from `powerMonitor`. */
export type SystemEvent = 'lock-screen' | 'unlock-screen' | 'suspend' | 'resume';

/**
 * The main process's session service: every IPC channel, the module's own and the host app's
 * (`D`), behind one `invoke`.
 */
export interface SessionRuntime<D extends AppChannelDefinitions = NoAppChannels> {
  /** Handles one request on a known channel, typed. Never rejects: every outcome is an envelope. */
  invoke<C extends InvokeChannel>(
    channel: C,
    payload: RequestOf<C>,
  ): Promise<IpcResult<ResponseOf<C>>>;
  /** Handles one request on an app channel, typed. Never rejects. */
  invoke<C extends AppChannelOf<D>>(
    channel: C,
    payload: AppRequestOf<D, C>,
  ): Promise<IpcResult<AppResponseOf<D, C>>>;
  /** Handles one request as it came over IPC (anything at all). Never rejects. */
  invoke(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
  /**
   * Gives app channel `channel` its handler, which then runs only for a valid current session
   * (see `ProtectedHandler`). Throws for a channel not in `appChannels`, an `auth:` channel, or
   * a second handler for the same channel. A defined channel without a handler answers
   * `INTERNAL` (and logs why).
   */
  protect<C extends AppChannelOf<D>>(channel: C, handler: ProtectedHandler<D, C>): void;
  /**
   * The signed-in user and session, checked now; rejects with `NotAuthenticatedError` when
   * nobody is signed in (a session found ended is ended, and `auth:state-changed` fires). It is
   * not activity (main's own checks must not keep an unattended session alive) and does not
   * wait for the request queue, so a handler may call it too.
   */
  authorize(): Promise<ProtectedContext>;
  /** The host app's channel set, as given in `appChannels` (`{}` without). */
  readonly appChannels: D;
  /** Called with the new `AuthState` whenever it changes; returns an unsubscribe function. */
  onStateChanged(listener: (state: AuthState) => void): () => void;
  /** The current state, without counting as activity. */
  getState(): AuthState;
  /** Re-checks the current session now (a timer does this every few seconds). */
  refresh(): Promise<AuthState>;
  /** Deletes expired sessions and stale sign-in failure records (also run on a timer). */
  runCleanup(): Promise<number>;
  /**
   * Activates or deactivates an account (an administrative action: there is no IPC channel for
   * it). Deactivating ends every session of the account, this instance's included. Audited in
   * the same transaction: when the audit row cannot be written, it rejects and nothing changed.
   * Returns how many sessions ended.
   */
  setUserActive(userId: number, active: boolean): Promise<number>;
  /** Records an OS event; may end a standard session (see `endStandardSessionOnLock`). */
  handleSystemEvent(event: SystemEvent): Promise<void>;
  readonly sessions: SessionManager;
  readonly accounts: AccountService;
  /** Display names (the profile feature's data; `protectProfile` wires its channels). */
  readonly profiles: ProfileService;
  readonly audit: { verify(): Promise<AuditVerification> };
  readonly config: Readonly<SessionConfig>;
  /** Stops timers, ends a session that was never persisted, closes the database. */
  close(): Promise<void>;
}
