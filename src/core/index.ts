/**
 * `@justice-companion/sessions/core`: the session runtime and what a host's main process builds
 * on, under plain Node (nothing here imports Electron). Everything else under `src/core/` is an
 * implementation detail.
 */
export { AccountService, type AccountServiceOptions } from './accounts/account-service';
export type { User } from './accounts/account-types';
export type { AuditVerification } from './audit/audit-types';
export {
  DEFAULT_CONFIG,
  MIN_ARGON2,
  type Argon2Config,
  type LockoutConfig,
  type SessionConfig,
  type SessionConfigInput,
  type SessionLifetimeConfig,
} from './config';
export { DatabaseFromFutureError, MigrationSetError } from './db/migrate';
export { resolveMigrationsDir } from './db/migrations-dir';
export { DiskError, type DiskProblem } from './errors/disk-error';
export {
  SecretStoreUnavailableError,
  silentLogger,
  systemClock,
  type Clock,
  type Decrypted,
  type LogFields,
  type Logger,
  type SecretStore,
  type SecretStoreStatus,
} from './ports';
export { ProfileService } from './profile/profile-service';
export { protectProfile } from './profile/protect-profile';
export {
  ChannelError,
  createSessionRuntime,
  NotAuthenticatedError,
  type ChannelErrorCode,
  type ProtectedContext,
  type ProtectedHandler,
  type SessionRuntime,
  type SessionRuntimeOptions,
  type SystemEvent,
} from './runtime';
export { CHANNEL_ERROR_CODES } from './runtime/channel-errors';
export { SessionManager } from './sessions/session-manager';
export type {
  InvalidReason,
  Session,
  SessionCount,
  SessionManagerOptions,
  SessionMetadata,
  ValidationResult,
} from './sessions/session-types';
