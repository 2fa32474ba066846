/**
 * The files of a data directory (Electron's `userData`), by name: one place for every module
 * that opens one, and for the start-up checks that look at all of them.
 */
export const DATA_FILES = {
  /** Accounts, sessions, sign-in throttling and the audit log (SQLite, with -wal and -shm). */
  database: 'sessions.db',
  /** The current remembered session: a clear header and the SecretStore ciphertext. */
  session: 'session.enc',
  /** The audit log's HMAC key, encrypted by the SecretStore. */
  auditKey: 'audit-key.enc',
  /** The head of the audit chain, outside the database. */
  auditAnchor: 'audit-anchor.json',
  /** Which SecretStore backend last wrote a secret (not secret itself). */
  storagePin: 'secret-storage.json',
} as const;
