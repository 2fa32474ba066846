/**
 * The core's `SecretStore` port over Electron's `safeStorage`.
 */
import {
  boundSecretStoreCall,
  SecretStoreUnavailableError,
  type SecretStore,
  type SecretStoreStatus,
} from '../../../src/core/ports';

/**
 * The parts of Electron's `safeStorage` used here. The async API (Electron 38+) is optional so
 * that an older `safeStorage`, or a fake without it, falls back to the sync one.
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
  isAsyncEncryptionAvailable?(): Promise<boolean>;
  encryptStringAsync?(plainText: string): Promise<Buffer>;
  decryptStringAsync?(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
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
   * `SecretStoreUnavailableError`. Only the async API can be timed out: a sync call blocks.
   */
  timeoutMs?: number;
}

/** Default for {@link SafeStorageSecretStoreOptions.timeoutMs}. */
export const SAFE_STORAGE_TIMEOUT_MS = 10_000;

/**
 * The backend name the core records and shows: `getSelectedStorageBackend()` on Linux
 * (`gnome_libsecret`, `kwallet6`, `basic_text`, …), the one OS store elsewhere.
 */
export function safeStorageBackend(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform,
): string {
  if (platform === 'darwin') return 'keychain';
  if (platform === 'win32') return 'dpapi';
  if (platform === 'linux') {
    try {
      return safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }
  return 'unknown';
}

/**
 * A `SecretStore` over `safeStorage`: the async API where present, the sync one otherwise; every
 * call waits for `whenReady` first and is bounded by `timeoutMs`. It never falls back to
 * plaintext: when encryption is unavailable, `encrypt` and `decrypt` reject with
 * `SecretStoreUnavailableError` (transient: the caller keeps `session.enc` and starts signed out).
 * A decryption that fails while encryption works (another key, damaged data) rejects with a plain
 * `Error`, which the core treats as permanent. Whether a weak backend (`basic_text`) may be used is
 * the core's decision: `status()` reports it.
 */
export function createSafeStorageSecretStore(options: SafeStorageSecretStoreOptions): SecretStore {
  const { safeStorage, whenReady, platform } = options;
  const timeoutMs = options.timeoutMs ?? SAFE_STORAGE_TIMEOUT_MS;
  const asyncApi = pickAsyncApi(safeStorage);

  const available = async (): Promise<boolean> =>
    (asyncApi ? await asyncApi.isAvailable() : safeStorage.isEncryptionAvailable()) === true;

  const requireAvailable = async (): Promise<void> => {
    if (!(await available()))
      throw new SecretStoreUnavailableError('Secure storage is not available');
  };

  return {
    status: () =>
      boundSecretStoreCall('status', timeoutMs, async (): Promise<SecretStoreStatus> => {
        await whenReady();
        const isAvailable = await available();
        return { available: isAvailable, backend: safeStorageBackend(safeStorage, platform) };
      }),

    encrypt: (plaintext) =>
      boundSecretStoreCall('encrypt', timeoutMs, async () => {
        await whenReady();
        await requireAvailable();
        const ciphertext = asyncApi
          ? await asyncApi.encrypt(plaintext)
          : safeStorage.encryptString(plaintext);
        if (!Buffer.isBuffer(ciphertext) || ciphertext.length === 0)
          throw new Error('safeStorage returned no ciphertext');
        return ciphertext;
      }),

    decrypt: (ciphertext) =>
      boundSecretStoreCall('decrypt', timeoutMs, async () => {
        await whenReady();
        await requireAvailable();
        try {
          // `shouldReEncrypt` (a rotated key) needs no action: the next sign-in writes afresh.
          return asyncApi
            ? (await asyncApi.decrypt(ciphertext)).result
            : safeStorage.decryptString(ciphertext);
        } catch {
          // safeStorage's messages are generic; a fixed one keeps anything else out of the logs.
          throw new Error('safeStorage could not decrypt the data');
        }
      }),
  };
}

interface AsyncApi {
  isAvailable(): Promise<boolean>;
  encrypt(plainText: string): Promise<Buffer>;
  decrypt(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

/** The async API when all three functions exist (bound to `safeStorage`), else null. */
function pickAsyncApi(safeStorage: SafeStorageLike): AsyncApi | null {
  const { isAsyncEncryptionAvailable, encryptStringAsync, decryptStringAsync } = safeStorage;
  if (!isAsyncEncryptionAvailable || !encryptStringAsync || !decryptStringAsync) return null;
  return {
    isAvailable: () => isAsyncEncryptionAvailable.call(safeStorage),
    encrypt: (plainText) => encryptStringAsync.call(safeStorage, plainText),
    decrypt: (encrypted) => decryptStringAsync.call(safeStorage, encrypted),
  };
}
