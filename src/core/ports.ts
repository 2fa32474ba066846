/**
 * The ports the core needs from its host. The Electron shell and the preview host provide real
 * implementations; tests provide small fakes. Nothing here imports Electron.
 */

/** The only source of time in the core: milliseconds since the epoch, UTC. */
export interface Clock {
  now(): number;
}

/** Reads the system clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Structured log fields. Never put a token, password or hash in here. */
export type LogFields = Record<string, unknown>;

/** A minimal logger: electron-log in the shell, console in the preview host, a recorder in tests. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A logger that drops everything: the default when none is injected. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/** What a SecretStore reports about the OS facility behind it. */
export interface SecretStoreStatus {
  /** False when nothing can be encrypted right now (keyring missing, locked, not ready). */
  available: boolean;
  /**
   * Name of the backend, e.g. `gnome_libsecret`, `kwallet6`, `keychain`, `dpapi`. On Linux,
   * `basic_text` (a hard-coded key, whatever the desktop claims) and `unknown` count as no secure
   * storage (see {@link WEAK_SECRET_BACKENDS}).
   */
  backend: string;
}

/** What {@link SecretStore.decrypt} resolves with. */
export interface Decrypted {
  plaintext: string;
  /**
   * The ciphertext was made with a key the store no longer encrypts with (rotated, or a key of
   * another strength is in use now): a caller that keeps the ciphertext should encrypt the
   * plaintext again and store the new ciphertext in its place.
   */
  shouldReEncrypt: boolean;
}

/**
 * Encrypts small secrets with an OS-held key (Electron `safeStorage` in the app).
 * Implementations never fall back to plaintext.
 */
export interface SecretStore {
  status(): Promise<SecretStoreStatus>;
  encrypt(plaintext: string): Promise<Buffer>;
  /**
   * Rejects when it cannot decrypt. A rejection whose error has
   * `code: 'SECRET_STORE_UNAVAILABLE'` is transient (keyring locked, timed out): callers keep
   * the ciphertext for a later attempt.
   */
  decrypt(ciphertext: Buffer): Promise<Decrypted>;
}

/** The error code a SecretStore puts on a rejection that may succeed later. */
const SECRET_STORE_UNAVAILABLE = 'SECRET_STORE_UNAVAILABLE';

/** An error a SecretStore raises for a transient failure (see {@link SecretStore.decrypt}). */
export class SecretStoreUnavailableError extends Error {
  readonly code = SECRET_STORE_UNAVAILABLE;
  constructor(message: string) {
    super(message);
    this.name = 'SecretStoreUnavailableError';
  }
}

/** True when `error` is a SecretStore rejection marked transient. */
export function isTransientSecretStoreError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === SECRET_STORE_UNAVAILABLE
  );
}

/**
 * Runs `call`, rejecting with {@link SecretStoreUnavailableError} (transient) if it has not
 * settled within `ms`: a keyring prompt nobody answers or a hung D-Bus must not hang startup.
 * The timer is `unref`'d so a hung call never keeps the process alive at quit.
 */
export function boundSecretStoreCall<T>(
  name: string,
  ms: number,
  call: () => Promise<T>,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new SecretStoreUnavailableError(`secret store ${name} timed out after ${ms} ms`)),
      ms,
    );
    timer.unref?.();
    // The timer goes before the answer, so a caller never sees a stray timer after it.
    Promise.resolve()
      .then(call)
      .then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
}

/** `store` with every call bounded by {@link boundSecretStoreCall}: the runtime's one timeout. */
export function boundSecretStore(store: SecretStore, ms: number): SecretStore {
  return {
    status: () => boundSecretStoreCall('status', ms, () => store.status()),
    encrypt: (plaintext) => boundSecretStoreCall('encrypt', ms, () => store.encrypt(plaintext)),
    decrypt: (ciphertext) => boundSecretStoreCall('decrypt', ms, () => store.decrypt(ciphertext)),
  };
}

/** Backends that encrypt with a key anyone can read: no better than plaintext. */
export const WEAK_SECRET_BACKENDS: ReadonlySet<string> = new Set(['basic_text', 'unknown']);
