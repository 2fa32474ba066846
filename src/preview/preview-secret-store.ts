/**
 * DEVELOPMENT ONLY. A SecretStore for the browser preview host, standing in for Electron's
 * `safeStorage`. It really encrypts (AES-256-GCM), but its key lives in a file in the data
 * directory, right beside what it protects: anyone who can read `session.enc` can read the key.
 * That is why it reports the backend `preview-file-key`, and why it never ships (src/preview is
 * not part of the packaged app).
 *
 * Modes simulate what a real OS key store can do:
 * - `file`: available, backend `preview-file-key`;
 * - `unavailable`: no key store at all (`status().available === false`; encrypt and decrypt reject,
 *   decrypt as a transient failure, like a keyring that is missing or locked);
 * - `basic_text`: available but weak, like Chromium's `basic_text` backend on Linux, which encrypts
 *   with a key hard-coded in the browser. The runtime must not persist sessions with it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  SecretStoreUnavailableError,
  type Decrypted,
  type SecretStore,
  type SecretStoreStatus,
} from '../core/ports';

/** The key file, in the data directory. */
export const PREVIEW_KEY_FILE_NAME = 'preview-secret-store.key';

/** The backend name this store reports in `file` mode. */
export const PREVIEW_BACKEND = 'preview-file-key';

/** Which kind of key store to simulate. */
export type PreviewSecretStoreMode = 'file' | 'unavailable' | 'basic_text';

export const PREVIEW_SECRET_STORE_MODES: readonly PreviewSecretStoreMode[] = [
  'file',
  'unavailable',
  'basic_text',
];

const MAGIC = Buffer.from('pv1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** Chromium's `basic_text` key is the hard-coded word "peanuts"; this one is just as public. */
const BASIC_TEXT_KEY = crypto.createHash('sha256').update('peanuts').digest();
const DECRYPT_ERROR = 'Error while decrypting the ciphertext (preview secret store).';

/** AES-256-GCM under a key file in the data directory (see the module comment: dev only). */
export class PreviewFileKeySecretStore implements SecretStore {
  readonly keyFile: string;
  private key: Buffer | null = null;

  constructor(
    dataDir: string,
    readonly mode: PreviewSecretStoreMode = 'file',
  ) {
    if (!PREVIEW_SECRET_STORE_MODES.includes(mode))
      throw new RangeError(`Unknown secret store mode: ${String(mode)}`);
    this.keyFile = path.join(dataDir, PREVIEW_KEY_FILE_NAME);
  }

  async status(): Promise<SecretStoreStatus> {
    switch (this.mode) {
      case 'unavailable':
        return { available: false, backend: 'unknown' };
      case 'basic_text':
        return { available: true, backend: 'basic_text' };
      case 'file':
        try {
          this.loadKey();
          return { available: true, backend: PREVIEW_BACKEND };
        } catch {
          return { available: false, backend: PREVIEW_BACKEND };
        }
    }
  }

  async encrypt(plaintext: string): Promise<Buffer> {
    if (typeof plaintext !== 'string') throw new TypeError('encrypt expects a string');
    const key = this.keyFor('encrypt');
    const iv = crypto.randomBytes(IV_BYTES);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
  }

  /** Its key never changes, so nothing ever needs encrypting again (`shouldReEncrypt` is false). */
  async decrypt(ciphertext: Buffer): Promise<Decrypted> {
    const key = this.keyFor('decrypt');
    const header = MAGIC.length + IV_BYTES + TAG_BYTES;
    if (
      !Buffer.isBuffer(ciphertext) ||
      ciphertext.length < header ||
      !ciphertext.subarray(0, MAGIC.length).equals(MAGIC)
    ) {
      throw new Error(DECRYPT_ERROR);
    }
    const iv = ciphertext.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
    const tag = ciphertext.subarray(MAGIC.length + IV_BYTES, header);
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      const plaintext = Buffer.concat([
        decipher.update(ciphertext.subarray(header)),
        decipher.final(),
      ]).toString('utf8');
      return { plaintext, shouldReEncrypt: false };
    } catch {
      throw new Error(DECRYPT_ERROR);
    }
  }

  private keyFor(operation: 'encrypt' | 'decrypt'): Buffer {
    if (this.mode === 'unavailable') {
      if (operation === 'decrypt')
        throw new SecretStoreUnavailableError('No secure storage (simulated by the preview host)');
      throw new Error('Encryption is not available (simulated by the preview host)');
    }
    if (this.mode === 'basic_text') return BASIC_TEXT_KEY;
    try {
      return this.loadKey();
    } catch (error) {
      throw new SecretStoreUnavailableError(
        `The preview key file cannot be used: ${(error as Error).message}`,
      );
    }
  }

  /** Reads the key file, creating it (0600) on first use. */
  private loadKey(): Buffer {
    if (this.key) return this.key;
    if (!fs.existsSync(this.keyFile)) createKeyFile(this.keyFile);
    const key = fs.readFileSync(this.keyFile);
    if (key.length !== KEY_BYTES)
      throw new Error(`${PREVIEW_KEY_FILE_NAME} is not a ${KEY_BYTES}-byte key`);
    this.key = key;
    return key;
  }
}

/**
 * Writes a fresh key to a temporary file and hard-links it into place: the link either appears
 * complete or fails with EEXIST, so two hosts starting on one data directory agree on one key.
 */
function createKeyFile(keyFile: string): void {
  fs.mkdirSync(path.dirname(keyFile), { recursive: true, mode: 0o700 });
  const temp = `${keyFile}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(temp, crypto.randomBytes(KEY_BYTES), { flag: 'wx', mode: 0o600 });
  try {
    fs.linkSync(temp, keyFile);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
