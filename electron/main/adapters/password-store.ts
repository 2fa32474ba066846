/**
 * Pins the Linux password store: Chromium picks the secret store from the desktop
 * session, so a launch from another desktop (or none) can silently switch `safeStorage` to
 * `basic_text`, a hard-coded key, and lose the key that encrypted `session.enc`. Passing
 * `--password-store=<the backend that wrote our secrets>` before `ready` keeps the same store.
 */
import { readStoragePin } from '../../../src/core/persistence/storage-pin';
import type { Logger } from '../../../src/core/ports';

/**
 * `safeStorage.getSelectedStorageBackend()` names mapped to Chromium's `--password-store` values.
 * `basic_text` and `unknown` are absent on purpose: pinning them would lock in the weak store (the
 * SecretStore reports `basic_text` whenever encryption really used the hard-coded `v10` key,
 * whatever the desktop selected). `secret_service` (a keyring key while the desktop selected
 * none) has no switch value, so it is not pinned either.
 */
const PASSWORD_STORE_SWITCH_VALUES: Readonly<Record<string, string>> = Object.freeze({
  gnome_libsecret: 'gnome-libsecret',
  kwallet: 'kwallet',
  kwallet5: 'kwallet5',
  kwallet6: 'kwallet6',
});

/** The parts of `app.commandLine` used here. */
export interface CommandLineLike {
  appendSwitch(name: string, value?: string): void;
  hasSwitch(name: string): boolean;
}

/** Options of {@link pinPasswordStore}. */
export interface PinPasswordStoreOptions {
  commandLine: CommandLineLike;
  platform: NodeJS.Platform;
  /** `app.getPath('userData')`, where `secret-storage.json` lives. */
  userData: string;
  logger: Logger;
}

/**
 * On Linux, appends `--password-store=<value>` for the pinned backend, unless the user already
 * chose one on the command line. Must run before the app is ready. Returns the value appended,
 * or null.
 */
export function pinPasswordStore(options: PinPasswordStoreOptions): string | null {
  const { commandLine, platform, userData, logger } = options;
  if (platform !== 'linux' || commandLine.hasSwitch('password-store')) return null;
  const backend = readStoragePin(userData);
  const value = backend === null ? undefined : PASSWORD_STORE_SWITCH_VALUES[backend];
  if (value === undefined) return null;
  commandLine.appendSwitch('password-store', value);
  logger.info('password store pinned', { backend, value });
  return value;
}
