import crypto from 'node:crypto';
import {
  SecretStoreUnavailableError,
  type Decrypted,
  type SecretStore,
  type SecretStoreStatus,
} from '../../src/core/ports';

const PREFIX = Buffer.from('fk1');
const DECRYPT_ERROR = 'Error while decrypting the ciphertext (fake secret store).';

/**
 * A SecretStore at the port (no Electron in between) with real AES-256-GCM under a key held in
 * memory, like the OS keyring holds safeStorage's key, plus switches for the failures a keyring
 * has. Share one `key` between instances to simulate the same keyring across app restarts. The
 * Electron adapter has its own, stricter fake of `safeStorage` (`electron-safe-storage.ts`).
 */
export class FakeSecretStore implements SecretStore {
  available = true;
  backend: string;
  /** 'transient': locked keyring (code SECRET_STORE_UNAVAILABLE); 'permanent': wrong key. */
  decryptFailure: 'transient' | 'permanent' | null = null;
  encryptFailure = false;
  /** Every decryption reports `shouldReEncrypt` (a rotated key). */
  shouldReEncrypt = false;
  /** Every call hangs forever (a keyring that never answers). */
  hang = false;
  readonly calls: string[] = [];
  /** Everything ever passed to encrypt, so tests can check nothing else was written. */
  readonly plaintexts: string[] = [];

  constructor(
    readonly key: Buffer = crypto.randomBytes(32),
    backend = 'gnome_libsecret',
  ) {
    this.backend = backend;
  }

  async status(): Promise<SecretStoreStatus> {
    this.calls.push('status');
    await this.maybeHang();
    return { available: this.available, backend: this.backend };
  }

  async encrypt(plaintext: string): Promise<Buffer> {
    this.calls.push('encrypt');
    await this.maybeHang();
    if (!this.available || this.encryptFailure) throw new Error('Encryption is not available');
    this.plaintexts.push(plaintext);
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([PREFIX, iv, cipher.getAuthTag(), body]);
  }

  async decrypt(ciphertext: Buffer): Promise<Decrypted> {
    this.calls.push('decrypt');
    await this.maybeHang();
    if (this.decryptFailure === 'transient')
      throw new SecretStoreUnavailableError('The keyring is locked');
    if (!this.available) throw new SecretStoreUnavailableError('Encryption is not available');
    if (this.decryptFailure === 'permanent') throw new Error(DECRYPT_ERROR);
    if (ciphertext.length < 31 || !ciphertext.subarray(0, 3).equals(PREFIX))
      throw new Error(DECRYPT_ERROR);
    const decipher = crypto.createDecipheriv('aes-256-gcm', this.key, ciphertext.subarray(3, 15));
    decipher.setAuthTag(ciphertext.subarray(15, 31));
    try {
      const plaintext = Buffer.concat([
        decipher.update(ciphertext.subarray(31)),
        decipher.final(),
      ]).toString('utf8');
      return { plaintext, shouldReEncrypt: this.shouldReEncrypt };
    } catch {
      throw new Error(DECRYPT_ERROR);
    }
  }

  private maybeHang(): Promise<void> {
    return this.hang ? new Promise(() => {}) : Promise.resolve();
  }
}
