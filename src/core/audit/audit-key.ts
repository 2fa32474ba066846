import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/open-database';
import { writeFileAtomic } from '../persistence/atomic-file';
import { DATA_FILES } from '../persistence/data-files';
import type { Decrypted, SecretStore } from '../ports';

/** The HMAC key of this run, or why there is none. */
export interface AuditKey {
  /** The 32-byte key; null means this run chains new rows with plain SHA-256. */
  key: Buffer | null;
  /** Why there is no key, in words (verification repeats it as its warning). */
  problem?: string;
  /** The key was created by this call (the chain's rows so far were written before it). */
  created?: boolean;
  /** Keyed rows exist but `audit-key.enc` is gone, so they can never be authenticated again. */
  fileMissing: boolean;
}

/** Where the key lives and what protects it. */
export interface AuditKeyOptions {
  db: Db;
  dataDir: string;
  /** The store that protects the HMAC key; null or not `secure` means an unkeyed SHA-256 chain. */
  secretStore?: SecretStore | null;
  /** Whether the store counts as secure storage now (available, not a weak backend). */
  secure?: boolean;
}

const NOT_STORED = 'the audit key could not be stored; audit rows are chained with plain SHA-256';

/**
 * Loads the HMAC key from `audit-key.enc` through the SecretStore, or creates one on first use
 * with secure storage. Before a new key file is written, `started` is called with the new key
 * (to write the anchor's origin and checkpoint at the chain's current head), so that no state on
 * disk has a key file without an anchor; a crash in between just mints another key next time.
 * A new key is never minted while keyed rows exist (it would make them all look forged). Never throws:
 * a key that cannot be had is reported as a problem, and a key file that exists but cannot be
 * decrypted now is left in place for a later run.
 */
export async function openAuditKey(
  options: AuditKeyOptions,
  started: (key: Buffer) => void,
): Promise<AuditKey> {
  const loaded = await loadKey(options);
  if (!('newKeyFile' in loaded)) return loaded;
  try {
    started(loaded.key);
    writeFileAtomic(path.join(options.dataDir, DATA_FILES.auditKey), loaded.newKeyFile, 0o600);
    return { key: loaded.key, fileMissing: false, created: true };
  } catch {
    return noKey(NOT_STORED);
  }
}

async function loadKey(
  options: AuditKeyOptions,
): Promise<AuditKey | { key: Buffer; newKeyFile: Buffer }> {
  const { secretStore } = options;
  const file = path.join(options.dataDir, DATA_FILES.auditKey);
  const encrypted = readIfExists(file);
  const hasKeyedRows = () =>
    options.db.prepare('SELECT 1 FROM audit_log WHERE keyed = 1 LIMIT 1').get() !== undefined;
  if (!secretStore || !options.secure) {
    if (encrypted) {
      return noKey(
        secretStore
          ? 'secure storage is not available now, and the audit key needs it: keyed rows are checked for order and linkage only, and new rows are chained with plain SHA-256'
          : "the audit key is protected by the app's keyring, which this tool does not use: keyed rows are checked for order and linkage only (the app authenticates them when it starts)",
      );
    }
    // Keyed rows without a key file: verification reports it, whoever runs it.
    if (hasKeyedRows())
      return noKey('the audit key file is missing; keyed rows cannot be authenticated', true);
    return noKey(
      'no secure storage: no audit key exists on this profile, so its rows are chained with plain SHA-256 and none of them can be authenticated',
    );
  }
  if (encrypted) {
    let decrypted: Decrypted;
    try {
      decrypted = await secretStore.decrypt(encrypted);
    } catch {
      return noKey(
        'the audit key could not be decrypted now; keyed rows are checked for order and linkage only',
      );
    }
    const key = Buffer.from(decrypted.plaintext, 'base64');
    if (key.length !== 32) return noKey('the audit key file holds no valid key');
    if (decrypted.shouldReEncrypt) await reEncrypt(file, secretStore, key);
    return { key, fileMissing: false };
  }
  if (hasKeyedRows()) {
    // Minting a new key would make every earlier keyed row look forged.
    return noKey('the audit key file is missing; keyed rows cannot be authenticated', true);
  }
  const key = crypto.randomBytes(32);
  try {
    return { key, newKeyFile: await secretStore.encrypt(key.toString('base64')) };
  } catch {
    return noKey(NOT_STORED);
  }
}

/**
 * Rewrites the key file under the store's current key, when the store says the file's key is
 * being retired (the same key inside: nothing about the chain changes). A failure keeps the old
 * file, which still decrypts.
 */
async function reEncrypt(file: string, store: SecretStore, key: Buffer): Promise<void> {
  try {
    writeFileAtomic(file, await store.encrypt(key.toString('base64')), 0o600);
  } catch {
    // Kept as it is: tried again at the next start.
  }
}

function noKey(problem: string, fileMissing = false): AuditKey {
  return { key: null, problem, fileMissing };
}

function readIfExists(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}
