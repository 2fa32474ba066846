import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { isTransientSecretStoreError, type SecretStore } from '../ports';
import { isSessionId, parseToken } from '../sessions/token';
import { writeFileAtomicAsync } from './atomic-file';
import { DATA_FILES } from './data-files';

const FORMAT = 'justice-companion-session';
const VERSION = 1;
const MAX_FILE_BYTES = 64 * 1024;

/** The clear header: nothing secret, enough to decide things without the keyring. */
export interface SessionFileHeader {
  format: typeof FORMAT;
  version: number;
  /** The SecretStore backend that encrypted the body. */
  backend: string;
  /** The public id of the session inside (lets one instance avoid deleting another's file). */
  sessionId: string;
}

/** What {@link SessionFile.read} found. */
export type SessionFileContent =
  | { kind: 'missing' }
  /** `shouldReEncrypt`: the store's key has changed since; rewrite the file to keep it current. */
  | { kind: 'token'; token: string; header: SessionFileHeader; shouldReEncrypt: boolean }
  | { kind: 'corrupt'; detail: string }
  /** The file exists but could not be read now (EIO, EMFILE, EACCES…): keep it, try next time. */
  | { kind: 'unreadable'; code: string }
  | { kind: 'unsupported-version'; version: unknown }
  | { kind: 'undecryptable'; transient: boolean; header: SessionFileHeader }
  /** Something else sits at the path: never read through, never followed. */
  | { kind: 'not-a-file'; what: NotAFile }
  /** An earlier release's file: the bare `safeStorage` ciphertext of a session id, no header. */
  | { kind: 'legacy-format' };

/** What sits at the file's path when it is not a regular file. */
export type NotAFile = 'directory' | 'symlink' | 'other';

/** What {@link SessionFile.discard} did with whatever was at the path. */
export type Discarded = 'nothing-there' | 'removed' | 'moved-aside';

// Never follow a link, never wait on a FIFO: what sits at the path may be anything.
const OPEN_FLAGS =
  fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

/**
 * `session.enc`: one line of JSON header, then the SecretStore ciphertext of
 * `{"v":1,"token":"…"}` in base64. Written atomically with mode 0600.
 */
export class SessionFile {
  readonly path: string;

  constructor(
    /** The data directory the file lives in. */
    readonly dataDir: string,
    private readonly secretStore: SecretStore,
  ) {
    this.path = path.join(dataDir, DATA_FILES.session);
  }

  /** Encrypts and writes `token`. Rejects (writing nothing) when the store cannot encrypt. */
  async write(token: string, backend: string): Promise<void> {
    const parsed = parseToken(token);
    if (!parsed) throw new TypeError('SessionFile.write: not a session token');
    const ciphertext = await this.secretStore.encrypt(JSON.stringify({ v: VERSION, token }));
    if (!Buffer.isBuffer(ciphertext) || ciphertext.length === 0) {
      throw new Error('The secret store returned no ciphertext');
    }
    const header: SessionFileHeader = {
      format: FORMAT,
      version: VERSION,
      backend,
      sessionId: parsed.sessionId,
    };
    // Off the main thread: the fsyncs of a sign-in must not stall the event loop.
    await writeFileAtomicAsync(
      this.path,
      `${JSON.stringify(header)}\n${ciphertext.toString('base64')}\n`,
    );
  }

  /**
   * The session id the header names, read as leniently as possible (any version, any body), so
   * that a file that is discarded can take its session row with it. Null when none can be read.
   */
  namedSessionId(): string | null {
    const raw = this.readRaw();
    if (typeof raw !== 'string') return null;
    try {
      const header = JSON.parse(raw.slice(0, raw.indexOf('\n'))) as Partial<SessionFileHeader>;
      return header.format === FORMAT && isSessionId(header.sessionId) ? header.sessionId : null;
    } catch {
      return null;
    }
  }

  /**
   * Gets rid of whatever sits at the path, without ever following it: a file or a link is
   * removed (the link, not what it points at); a directory or anything else is renamed aside,
   * since it is not ours to delete.
   */
  discard(): Discarded {
    const stat = lstat(this.path);
    if (!stat) return 'nothing-there';
    if (stat.isFile() || stat.isSymbolicLink()) {
      fs.rmSync(this.path, { force: true });
      return 'removed';
    }
    fs.renameSync(this.path, `${this.path}.unusable-${crypto.randomBytes(4).toString('hex')}`);
    return 'moved-aside';
  }

  /** Reads the header only (no keyring call); null when missing or unreadable. */
  readHeader(): SessionFileHeader | null {
    const raw = this.readRaw();
    if (raw === null || typeof raw !== 'string') return null;
    const parsed = parseFile(raw);
    return 'header' in parsed ? parsed.header : null;
  }

  /**
   * Reads the file once and decrypts it. Never throws for bad content: it says what is wrong
   * instead. What its shape alone tells (missing, not a file, an earlier release's, corrupt) is
   * told without the keyring; with `decrypt: false` (the keyring is known to be down) a
   * well-formed file is reported `undecryptable` and transient without asking the store.
   */
  async read(options: { decrypt?: boolean } = {}): Promise<SessionFileContent> {
    const raw = this.readRaw();
    if (raw === null) return { kind: 'missing' };
    if (typeof raw !== 'string') return raw;
    const parsed = parseFile(raw);
    if (!('header' in parsed)) return parsed;
    const { header, ciphertext } = parsed;
    if (options.decrypt === false) return { kind: 'undecryptable', transient: true, header };
    let plaintext: string;
    let shouldReEncrypt: boolean;
    try {
      ({ plaintext, shouldReEncrypt } = await this.secretStore.decrypt(ciphertext));
    } catch (error) {
      return { kind: 'undecryptable', transient: isTransientSecretStoreError(error), header };
    }
    let body: unknown;
    try {
      body = JSON.parse(plaintext);
    } catch {
      return { kind: 'corrupt', detail: 'the decrypted content is not JSON' };
    }
    if (typeof body !== 'object' || body === null)
      return { kind: 'corrupt', detail: 'the decrypted content is not an object' };
    const { v, token } = body as { v?: unknown; token?: unknown };
    if (v !== VERSION) return { kind: 'unsupported-version', version: v };
    if (typeof token !== 'string' || parseToken(token)?.sessionId !== header.sessionId) {
      return { kind: 'corrupt', detail: 'the token does not match the header' };
    }
    return { kind: 'token', token, header, shouldReEncrypt: shouldReEncrypt === true };
  }

  /** Deletes the file (see {@link discard}); with `onlySessionId`, only if it holds that session. */
  delete(onlySessionId?: string): void {
    if (onlySessionId !== undefined) {
      const header = this.readHeader();
      if (header && header.sessionId !== onlySessionId) return;
    }
    this.discard();
  }

  private readRaw():
    | string
    | null
    | { kind: 'corrupt'; detail: string }
    | { kind: 'unreadable'; code: string }
    | { kind: 'not-a-file'; what: NotAFile }
    | { kind: 'legacy-format' } {
    let fd: number;
    try {
      fd = fs.openSync(this.path, OPEN_FLAGS);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (code === 'ENOENT') return lstat(this.path)?.isSymbolicLink() ? notAFile('symlink') : null;
      if (code === 'ELOOP' || code === 'EMLINK') return notAFile('symlink');
      if (code === 'EISDIR') return notAFile('directory');
      return { kind: 'unreadable', code };
    }
    try {
      const stat = fs.fstatSync(fd);
      if (stat.isDirectory()) return notAFile('directory');
      if (!stat.isFile()) return notAFile('other');
      if (stat.size > MAX_FILE_BYTES) return { kind: 'corrupt', detail: 'the file is too large' };
      const bytes = fs.readFileSync(fd);
      return isLegacyCiphertext(bytes) ? { kind: 'legacy-format' } : bytes.toString('utf8');
    } catch (error) {
      return { kind: 'unreadable', code: (error as NodeJS.ErrnoException).code ?? 'error' };
    } finally {
      fs.closeSync(fd);
    }
  }
}

/** Chromium's OSCrypt tags its ciphertexts `v10`, `v11`… (every platform `safeStorage` runs on). */
const OSCRYPT_TAG = /^v1\d$/;
/** The tag, a nonce or an IV, and an encrypted UUID: a few dozen bytes. */
const LEGACY_MIN_BYTES = 3 + 16;
const LEGACY_MAX_BYTES = 4096;

/**
 * The earlier release wrote `safeStorage.encryptString(sessionId)` as it came: binary, starting
 * with an OSCrypt tag, never a line of JSON. A file of ours starts with `{`.
 */
function isLegacyCiphertext(bytes: Buffer): boolean {
  return (
    bytes.length >= LEGACY_MIN_BYTES &&
    bytes.length <= LEGACY_MAX_BYTES &&
    OSCRYPT_TAG.test(bytes.subarray(0, 3).toString('latin1'))
  );
}

function notAFile(what: NotAFile): { kind: 'not-a-file'; what: NotAFile } {
  return { kind: 'not-a-file', what };
}

function lstat(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

function parseFile(
  raw: string,
):
  | { header: SessionFileHeader; ciphertext: Buffer }
  | { kind: 'corrupt'; detail: string }
  | { kind: 'unsupported-version'; version: unknown } {
  const lines = raw.split('\n');
  if (lines.length !== 3 || lines[2] !== '')
    return { kind: 'corrupt', detail: 'not two complete lines' };
  let header: unknown;
  try {
    header = JSON.parse(lines[0]!);
  } catch {
    return { kind: 'corrupt', detail: 'the header is not JSON' };
  }
  if (
    typeof header !== 'object' ||
    header === null ||
    (header as { format?: unknown }).format !== FORMAT
  ) {
    return { kind: 'corrupt', detail: 'not a session file' };
  }
  const h = header as Partial<SessionFileHeader>;
  if (h.version !== VERSION) return { kind: 'unsupported-version', version: h.version };
  if (typeof h.backend !== 'string' || !isSessionId(h.sessionId))
    return { kind: 'corrupt', detail: 'incomplete header' };
  const body = lines[1]!;
  if (body.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
    return { kind: 'corrupt', detail: 'the body is not base64' };
  }
  return {
    header: { format: FORMAT, version: VERSION, backend: h.backend, sessionId: h.sessionId },
    ciphertext: Buffer.from(body, 'base64'),
  };
}
