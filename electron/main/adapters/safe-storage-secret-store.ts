/**
 * The core's `SecretStore` port over Electron's `safeStorage`, as Electron 45 really behaves
 * (see docs/electron.md).
 */
import {
  boundSecretStoreCall,
  SecretStoreUnavailableError,
  type SecretStore,
  type SecretStoreStatus,
} from '../../../src/core/ports';

/**
 * The parts of Electron's `safeStorage` used here: the async API only (Electron 42+). The sync
 * methods are deprecated in Electron 45 and removed in 46, so they are not even declared.
 */
export interface SafeStorageLike {
  /** Resolves false before `ready`; afterwards true once the encryptor exists, keys or not. */
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  /** `shouldReEncrypt`: the data was made by a key provider other than the one encrypting now. */
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  /** Linux only: chosen from the desktop environment or `--password-store`, not from what works. */
  getSelectedStorageBackend?(): string;
}

/** Options of {@link createSafeStorageSecretStore}. */
export interface SafeStorageSecretStoreOptions {
  safeStorage: SafeStorageLike;
  /** `app.whenReady`: safeStorage must not be touched before the app is ready. */
  whenReady: () => Promise<unknown>;
  /** `process.platform`; decides how the backend is named. */
  platform: NodeJS.Platform;
  /**
   * A call that takes longer (a keyring prompt nobody answers, a hung D-Bus) rejects with
   * `SecretStoreUnavailableError`. Unset, calls are not bounded here: the session runtime bounds
   * every call of any SecretStore by its `secretStoreTimeoutMs`, once, so the app passes none.
   */
  timeoutMs?: number;
}

const NO_ASYNC_API = 'safeStorage has no async API (Electron 42 or later is needed)';

/** What a probe encryption is made of: nothing secret. */
const PROBE = 'justice-companion: which key encrypts?';

/** Linux ciphertext tags: the keyring's key, and Chromium's hard-coded fallback key. */
const KEYRING_TAG = 'v11';
const HARD_CODED_TAG = 'v10';

/** `getSelectedStorageBackend()` names of keyrings (the others: `basic_text`, `unknown`). */
const LINUX_KEYRINGS: ReadonlySet<string> = new Set([
  'gnome_libsecret',
  'kwallet',
  'kwallet5',
  'kwallet6',
]);

/**
 * The backend name for a Linux ciphertext `tag`, given what `getSelectedStorageBackend()` said.
 * Only the tag tells which key was used: `v11` is a keyring's key (named as selected, or
 * `secret_service` when the selection names no keyring), `v10` is the hard-coded key, which is
 * reported as `basic_text` whatever was selected, and anything else as `unknown`. Both of those
 * count as no secure storage in the core, and neither is ever pinned as a password store.
 */
export function linuxBackendFor(selected: string | null, tag: string): string {
  if (tag === KEYRING_TAG)
    return selected !== null && LINUX_KEYRINGS.has(selected) ? selected : 'secret_service';
  return tag === HARD_CODED_TAG ? 'basic_text' : 'unknown';
}

/**
 * True when a safeStorage rejection says "try again later" (Electron's "temporarily
 * unavailable", or a call made before `ready`), recognised by its meaning rather than by one
 * wording.
 */
export function isTemporarySafeStorageError(error: unknown): boolean {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : '';
  return /temporar(?:y|ily)\b[^.]*\bunavailable|\btry again\b|before (?:the )?app is ready/i.test(
    message,
  );
}

/**
 * A `SecretStore` over `safeStorage`'s async API; every call waits for `whenReady` first (bounded
 * by `timeoutMs` when given). It never falls back to plaintext.
 *
 * - `status()` makes a probe encryption: without a usable key it reports `available: false`; on
 *   Linux the probe's tag names the backend ({@link linuxBackendFor}).
 * - `encrypt` on Linux refuses (rejects) to return anything but a keyring (`v11`) ciphertext,
 *   unless the latest `status()` told the core that this run has only a weak key (and the core
 *   opted into weak storage).
 * - `decrypt` resolves `{ plaintext, shouldReEncrypt }`. A "temporarily unavailable" rejection, or
 *   on Linux a keyring ciphertext while this run has no keyring key (a locked or unreachable
 *   keyring: it may be back on the next start), rejects with the transient
 *   `SecretStoreUnavailableError`, so the caller keeps its data; any other failure (another key,
 *   damaged data) with a plain `Error`, which the core treats as permanent.
 */
export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { safeStorage, whenReady, platform } = options;
  const linux = platform === 'linux';
  const bound = <T>(name: string, call: () => Promise<T>): Promise<T> =>
    options.timeoutMs === undefined ? call() : boundSecretStoreCall(name, options.timeoutMs, call);
  // Electron 42+ has all three; without them nothing is used (never the deprecated sync API).
  const hasAsyncApi =
    typeof safeStorage.isAsyncEncryptionAvailable === 'function' &&
    typeof safeStorage.encryptStringAsync === 'function' &&
    typeof safeStorage.decryptStringAsync === 'function';
  const ready = async (): Promise<void> => {
    await whenReady();
    if (!hasAsyncApi) throw new SecretStoreUnavailableError(NO_ASYNC_API);
  };
  /** Linux: the tag this run encrypts with, once a probe has shown it. */
  let currentTag: string | null = null;
  /** Linux: the weak tag the latest `status()` reported, which `encrypt` may then return. */
  let reportedWeakTag: string | null = null;

  const probe = async (): Promise<Buffer | null> => {
    try {
      const ciphertext = await safeStorage.encryptStringAsync(PROBE);
      if (!Buffer.isBuffer(ciphertext) || ciphertext.length === 0) return null;
      if (linux) currentTag = tagOf(ciphertext);
      return ciphertext;
    } catch {
      return null;
    }
  };

  const status = async (): Promise<SecretStoreStatus> => {
    await whenReady();
    const selected = linux ? selectedBackend(safeStorage) : null;
    const unavailable = { available: false, backend: nameOf(platform, selected) };
    if (!hasAsyncApi || (await safeStorage.isAsyncEncryptionAvailable()) !== true)
      return unavailable;
    const ciphertext = await probe();
    if (ciphertext === null) return unavailable;
    if (!linux) return { available: true, backend: nameOf(platform, null) };
    const tag = tagOf(ciphertext);
    reportedWeakTag = tag === KEYRING_TAG ? null : tag;
    return { available: true, backend: linuxBackendFor(selected, tag) };
  };

  return {
    status: () => bound('status', status),

    encrypt: (plaintext) =>
      bound('encrypt', async () => {
        await ready();
        let ciphertext: Buffer;
        try {
          ciphertext = await safeStorage.encryptStringAsync(plaintext);
        } catch {
          // No key to encrypt with (a locked or missing key store): may work on a later start.
          throw new SecretStoreUnavailableError('safeStorage could not encrypt');
        }
        if (!Buffer.isBuffer(ciphertext) || ciphertext.length === 0)
          throw new Error('safeStorage returned no ciphertext');
        if (linux) {
          const tag = tagOf(ciphertext);
          currentTag = tag;
          if (tag !== KEYRING_TAG && tag !== reportedWeakTag)
            throw new Error('safeStorage encrypted without a keyring key');
        }
        return ciphertext;
      }),

    decrypt: (ciphertext) =>
      bound('decrypt', async () => {
        await ready();
        try {
          const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(ciphertext);
          if (typeof result !== 'string') throw new Error('no plaintext');
          return { plaintext: result, shouldReEncrypt: shouldReEncrypt === true };
        } catch (error) {
          if (isTemporarySafeStorageError(error))
            throw new SecretStoreUnavailableError('safeStorage is temporarily unavailable');
          if (linux && tagOf(ciphertext) === KEYRING_TAG) {
            if (currentTag === null) await probe();
            if (currentTag !== null && currentTag !== KEYRING_TAG)
              throw new SecretStoreUnavailableError('the keyring gave no key in this session');
          }
          // safeStorage's messages are generic; a fixed one keeps anything else out of the logs.
          throw new Error('safeStorage could not decrypt the data', { cause: error });
        }
      }),
  };
}

/** The backend name the core records and shows, before any probe. */
function nameOf(platform: NodeJS.Platform, selected: string | null): string {
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  return selected ?? 'unknown';
}

function selectedBackend(safeStorage: SafeStorageLike): string {
  try {
    return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The key provider's tag a ciphertext starts with (Chromium's `v10`, `v11`, …). */
function tagOf(ciphertext: Buffer): string {
  return Buffer.isBuffer(ciphertext) ? ciphertext.subarray(0, 3).toString('latin1') : '';
}
