import crypto from 'node:crypto';

/**
 * Electron 45's `safeStorage` as the shell may use it: the async API only, behaving like
 * Electron's `SafeStorage` over Chromium's `os_crypt_async` encryptor, failures included.
 *
 * - Nothing works before `ready`: `isAsyncEncryptionAvailable()` resolves false, the other two
 *   reject (`shell/browser/api/electron_api_safe_storage.cc`).
 * - The encryptor is built once, lazily, at the first async call after `ready`, from what the OS
 *   key store answers then; it never changes for the life of the process (Chromium's
 *   `OSCryptAsync::GetInstance` initialises once). So a keyring unlocked later only helps the
 *   next start. If the key store never answers (`hang`), no async call ever settles.
 * - `isAsyncEncryptionAvailable()` resolves true as soon as the encryptor exists, whether or not
 *   any key is usable (Electron resolves its pending checks in `OnOsCryptReady`).
 * - Ciphertext starts with the tag of the key provider that made it (`Encryptor::EncryptString`).
 *   Linux: `v11` for the key kept in the Secret Service keyring, `v10` for the fallback
 *   provider's hard-coded key (`PosixKeyProvider`: PBKDF2 of "peanuts", AES-128-CBC, public),
 *   which encrypts whenever the keyring gave no key. macOS and Windows: `v10` for the Keychain /
 *   DPAPI key; with no key, encryption rejects.
 * - `decryptStringAsync` (`Encryptor::DecryptData`): the provider whose tag prefixes the data
 *   decrypts it; `shouldReEncrypt` is true when that is not the provider used for encryption now;
 *   a provider whose key is temporarily unavailable (`KeyError::kTemporarilyUnavailable`: a
 *   locked keyring, an unanswered prompt) makes it reject with Electron's "temporarily
 *   unavailable" message; any other failure rejects with the generic decryption error.
 * - Linux only: `getSelectedStorageBackend()` names what was chosen from the desktop environment
 *   (or `--password-store`), not the key actually in use; `unknown` before `ready`.
 * - The sync methods (deprecated in 45) throw, as calling them does in Electron 46, which removes
 *   them.
 *
 * The keyring's key is real (AES-256-GCM) and held in memory; share `key` between instances to
 * simulate one keyring across app restarts.
 */

export type FakePlatform = 'linux' | 'darwin' | 'win32';

/** What the OS key store answers when the encryptor asks it for the app's key. */
export type KeyringState =
  /** Unlocked: the key is read (created on first use). */
  | 'available'
  /** There, but its key cannot be had now (locked, prompt denied or unanswered). */
  | 'locked'
  /** Nothing answers: no Secret Service on D-Bus (SSH, minimal install), no Keychain access. */
  | 'missing';

/** What `getSelectedStorageBackend()` can return (Electron 45's type definitions). */
export type LinuxBackendName =
  'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

/** Options of {@link FakeSafeStorage}. */
export interface FakeSafeStorageOptions {
  platform?: FakePlatform;
  /** The key the OS store keeps for this app. */
  key?: Buffer;
  keyring?: KeyringState;
  /** Linux: what the desktop environment selects; `gnome_libsecret` by default. */
  selectedBackend?: LinuxBackendName;
}

/** Electron's own rejection messages (the adapter must not depend on their exact wording). */
export const SAFE_STORAGE_MESSAGES = {
  notReady: 'safeStorage cannot be used before app is ready',
  encryptFailed: 'Error while encrypting the text provided to safeStorage.encryptStringAsync.',
  decryptFailed:
    'Error while decrypting the ciphertext provided to safeStorage.decryptStringAsync.',
  temporarilyUnavailable:
    'safeStorage.decryptStringAsync is temporarily unavailable. Please try again.',
  notABuffer: 'Expected the first argument of decryptStringAsync() to be a buffer',
} as const;

interface Key {
  seal(plainText: Buffer): Buffer;
  /** Null when the data does not decrypt with this key. */
  open(body: Buffer): Buffer | null;
}

interface Encryptor {
  /** Tag → key; null = temporarily unavailable. Sorted by tag, as Chromium's `std::map`. */
  keys: Map<string, Key | null>;
  forEncryption: string | null;
}

export class FakeSafeStorage {
  /** Flipped by the fake app's `ready`. */
  ready = false;
  /** Read once, when the encryptor is built. */
  keyring: KeyringState;
  /** The key store never answers: the encryptor is never built. Read once, like `keyring`. */
  hang = false;
  /** Linux: what `getSelectedStorageBackend()` reports once ready. */
  selectedBackend: LinuxBackendName;
  readonly platform: FakePlatform;
  readonly key: Buffer;
  /** Every call, in order, by method name. */
  readonly calls: string[] = [];
  /** Linux only, as in Electron. */
  readonly getSelectedStorageBackend?: () => string;
  private encryptor: Promise<Encryptor> | null = null;

  constructor(options: FakeSafeStorageOptions = {}) {
    this.platform = options.platform ?? 'linux';
    this.key = options.key ?? crypto.randomBytes(32);
    this.keyring = options.keyring ?? 'available';
    this.selectedBackend = options.selectedBackend ?? 'gnome_libsecret';
    if (this.platform === 'linux') {
      this.getSelectedStorageBackend = () => {
        this.calls.push('getSelectedStorageBackend');
        return this.ready ? this.selectedBackend : 'unknown';
      };
    }
  }

  isAsyncEncryptionAvailable(): Promise<boolean> {
    this.calls.push('isAsyncEncryptionAvailable');
    if (!this.ready) return Promise.resolve(false);
    return this.encryptorNow().then(() => true);
  }

  encryptStringAsync(plainText: string): Promise<Buffer> {
    this.calls.push('encryptStringAsync');
    if (!this.ready) return Promise.reject(new Error(SAFE_STORAGE_MESSAGES.notReady));
    return this.encryptorNow().then(({ keys, forEncryption }) => {
      if (plainText.length === 0) return Buffer.alloc(0);
      const key = forEncryption === null ? null : keys.get(forEncryption);
      if (!key || forEncryption === null) throw new Error(SAFE_STORAGE_MESSAGES.encryptFailed);
      return Buffer.concat([Buffer.from(forEncryption), key.seal(Buffer.from(plainText, 'utf8'))]);
    });
  }

  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }> {
    this.calls.push('decryptStringAsync');
    if (!this.ready) return Promise.reject(new Error(SAFE_STORAGE_MESSAGES.notReady));
    if (!Buffer.isBuffer(encrypted))
      return Promise.reject(new Error(SAFE_STORAGE_MESSAGES.notABuffer));
    if (encrypted.length === 0) return Promise.resolve({ shouldReEncrypt: false, result: '' });
    return this.encryptorNow().then(({ keys, forEncryption }) => {
      for (const [tag, key] of keys) {
        if (!encrypted.subarray(0, tag.length).equals(Buffer.from(tag))) continue;
        if (key === null) throw new Error(SAFE_STORAGE_MESSAGES.temporarilyUnavailable);
        const plain = key.open(encrypted.subarray(tag.length));
        if (plain === null) break;
        return { shouldReEncrypt: tag !== forEncryption, result: plain.toString('utf8') };
      }
      throw new Error(SAFE_STORAGE_MESSAGES.decryptFailed);
    });
  }

  /** Deprecated in Electron 45, removed in 46: never to be called. */
  isEncryptionAvailable(): boolean {
    return this.removed('isEncryptionAvailable');
  }

  /** Deprecated in Electron 45, removed in 46: never to be called. */
  encryptString(_plainText: string): Buffer {
    return this.removed('encryptString');
  }

  /** Deprecated in Electron 45, removed in 46: never to be called. */
  decryptString(_encrypted: Buffer): string {
    return this.removed('decryptString');
  }

  private removed(name: string): never {
    this.calls.push(name);
    throw new TypeError(`safeStorage.${name} is not a function (removed in Electron 46)`);
  }

  private encryptorNow(): Promise<Encryptor> {
    this.encryptor ??= this.hang ? new Promise<Encryptor>(() => {}) : Promise.resolve(this.build());
    return this.encryptor;
  }

  /** The key providers by precedence, lowest first; the last one with a key encrypts. */
  private build(): Encryptor {
    const keys = new Map<string, Key | null>();
    let forEncryption: string | null = null;
    const keyringTag = this.platform === 'linux' ? 'v11' : 'v10';
    if (this.platform === 'linux') {
      keys.set('v10', HARD_CODED_V10_KEY);
      forEncryption = 'v10';
    }
    if (this.keyring === 'available') {
      keys.set(keyringTag, gcmKey(this.key));
      forEncryption = keyringTag;
    } else if (this.keyring === 'locked') {
      keys.set(keyringTag, null);
    }
    return { keys: new Map([...keys].sort(([a], [b]) => a.localeCompare(b))), forEncryption };
  }
}

function gcmKey(key: Buffer): Key {
  return {
    seal(plainText) {
      const nonce = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
      const body = Buffer.concat([cipher.update(plainText), cipher.final()]);
      return Buffer.concat([nonce, body, cipher.getAuthTag()]);
    },
    open(data) {
      if (data.length < 12 + 16) return null;
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
        decipher.setAuthTag(data.subarray(data.length - 16));
        return Buffer.concat([
          decipher.update(data.subarray(12, data.length - 16)),
          decipher.final(),
        ]);
      } catch {
        return null;
      }
    },
  };
}

/** Chromium's Linux fallback key: PBKDF2-HMAC-SHA1("peanuts", "saltysalt", 1 iteration). */
const V10_KEY = crypto.pbkdf2Sync('peanuts', 'saltysalt', 1, 16, 'sha1');
const V10_IV = Buffer.alloc(16, ' ');

const HARD_CODED_V10_KEY: Key = {
  seal(plainText) {
    const cipher = crypto.createCipheriv('aes-128-cbc', V10_KEY, V10_IV);
    return Buffer.concat([cipher.update(plainText), cipher.final()]);
  },
  open(data) {
    try {
      const decipher = crypto.createDecipheriv('aes-128-cbc', V10_KEY, V10_IV);
      return Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      return null;
    }
  },
};

/**
 * What anyone can do with a Linux `v10` ciphertext: decrypt it with the public key. Null when
 * `ciphertext` is not one.
 */
export function decryptWithHardCodedKey(ciphertext: Buffer): string | null {
  if (!ciphertext.subarray(0, 3).equals(Buffer.from('v10'))) return null;
  return HARD_CODED_V10_KEY.open(ciphertext.subarray(3))?.toString('utf8') ?? null;
}
