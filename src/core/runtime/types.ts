import type {
  AuthState,
  InvokeChannel,
  IpcResult,
  RequestOf,
  ResponseOf,
} from '../../shared/contract';
import type { AccountService } from '../accounts/account-service';
import type { AuditVerification } from '../audit/audit-types';
import type { SessionConfig, SessionConfigInput } from '../config';
import type { Clock, Logger, SecretStore } from '../ports';
import type { SessionManager } from '../sessions/session-manager';

/** Options of `createSessionRuntime`. */
export interface SessionRuntimeOptions {
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
}

/** OS events the Electron shell forwards from `powerMonitor`. */
export type SystemEvent = 'lock-screen' | 'unlock-screen' | 'suspend' | 'resume';

/** The main process's session service: every IPC channel behind one `invoke`. */
export interface SessionRuntime {
  /** Handles one request on a known channel, typed. Never rejects: every outcome is an envelope. */
  invoke<C extends InvokeChannel>(
    channel: C,
    payload: RequestOf<C>,
  ): Promise<IpcResult<ResponseOf<C>>>;
  /** Handles one request as it came over IPC (anything at all). Never rejects. */
  invoke(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
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
