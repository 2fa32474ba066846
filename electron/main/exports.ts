/**
 * `@justice-companion/sessions/main`: the Electron main-process pieces, each taking Electron's
 * objects as arguments (structural types, so nothing here imports Electron and hosts test with
 * fakes), and `setupSessions`, which composes them.
 */
export {
  pinPasswordStore,
  type CommandLineLike,
  type PinPasswordStoreOptions,
} from './adapters/password-store';
export {
  powerEventsOf,
  setupPowerMonitor,
  type PowerMonitorLike,
  type PowerMonitorOptions,
} from './adapters/power-monitor';
export {
  createSafeStorageSecretStore,
  type SafeStorageLike,
  type SafeStorageSecretStoreOptions,
} from './adapters/safe-storage-secret-store';
export { APP_ENTRY_URL, APP_ORIGIN } from './app-origin';
export {
  FORBIDDEN_SENDER_MESSAGE,
  setupIpc,
  type FrameLike,
  type InvokeEventLike,
  type IpcMainLike,
  type IpcOptions,
  type IpcWindowLike,
} from './ipc';
export {
  setupSessions,
  type Sessions,
  type SessionsAppLike,
  type SessionsElectron,
  type SetupSessionsOptions,
} from './setup-sessions';
