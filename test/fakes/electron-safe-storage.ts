import crypto from 'node:crypto';

/**
 * A hand-written `safeStorage` that behaves like Electron's: nothing works before the app is
 * ready (`getSelectedStorageBackend()` says `unknown`, encryption is unavailable), `basic_text`
 * still encrypts (with a key anyone can read), decryption with another key throws. The key is
 * real AES-256-GCM held in memory, like the OS keyring holds safeStorage's; share `key` between
 * instances to simulate one keyring across app restarts.
 *
 * This class has only the sync API (Electron before 38); {@link FakeAsyncSafeStorage} adds the
 * async one.
 */
export class FakeSafeStorage {
  /** Flipped by the fake app's `ready`. */
  ready = false;
  /** False: no usable keyring (locked, missing). */
  available = true;
  /** What `getSelectedStorageBackend()` reports once ready (Linux). */
  backend: string;
  /** Every call, in order, by method name. */
  readonly calls: string[] = [];

  constructor(
    readonly key: Buffer = crypto.randomBytes(32),
    backend = 'gnome_libsecret',
  ) {
    this.backend = backend;
  }

  isEncryptionAvailable(): boolean {
    this.calls.push('isEncryptionAvailable');
    return this.ready && this.available;
  }

  getSelectedStorageBackend(): string {
    this.calls.push('getSelectedStorageBackend');
    return this.ready ? this.backend : 'unknown';
  }

  encryptString(plainText: string): Buffer {
    this.calls.push('encryptString');
    if (!this.ready || !this.available) {
      throw new Error(
        'Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.',
      );
    }
    return seal(this.key, plainText);
  }

  decryptString(encrypted: Buffer): string {
    this.calls.push('decryptString');
    if (!this.ready || !this.available) {
      throw new Error(
        'Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.',
      );
    }
    return open(this.key, encrypted);
  }
}

/** {@link FakeSafeStorage} plus Electron 38+'s async API, which can also hang. */
export class FakeAsyncSafeStorage extends FakeSafeStorage {
  /** Every async call returns a promise that never settles (a keyring prompt nobody answers). */
  hang = false;

  isAsyncEncryptionAvailable(): Promise<boolean> {
    return this.run('isAsyncEncryptionAvailable', () => this.available);
  }

  encryptStringAsync(plainText: string): Promise<Buffer> {
    return this.run('encryptStringAsync', () => {
      if (!this.available) throw new Error('Encryption is not available.');
      return seal(this.key, plainText);
    });
  }

  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    return this.run('decryptStringAsync', () => {
      if (!this.available) throw new Error('Decryption is not available.');
      return { result: open(this.key, encrypted), shouldReEncrypt: false };
    });
  }

  private run<T>(name: string, body: () => T): Promise<T> {
    this.calls.push(name);
    if (this.hang) return new Promise<T>(() => {});
    if (!this.ready)
      return Promise.reject(new Error('safeStorage cannot be used before the app is ready'));
    try {
      return Promise.resolve(body());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

function seal(key: Buffer, plainText: string): Buffer {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), body]);
}

function open(key: Buffer, encrypted: Buffer): string {
  const failure = new Error(
    'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
  );
  if (
    !Buffer.isBuffer(encrypted) ||
    encrypted.length < 31 ||
    encrypted.subarray(0, 3).toString() !== 'v11'
  )
    throw failure;
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, encrypted.subarray(3, 15));
    decipher.setAuthTag(encrypted.subarray(15, 31));
    return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw failure;
  }
}
