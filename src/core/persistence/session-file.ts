import fs from 'node:fs';
import path from 'node:path';
import { isTransientSecretStoreError, type SecretStore } from '../ports';
import { isSessionId, parseToken } from '../sessions/token';
import { removeFile, writeFileAtomicAsync } from './atomic-file';

/** The file, in the data directory, that keeps a remembered session across restarts. */
export const SESSION_FILE_NAME = 'session.enc';

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
  | { kind: 'token'; token: string; header: SessionFileHeader }
  | { kind: 'corrupt'; detail: string }
  /** The file exists but could not be read now (EIO, EMFILE, EACCES…): keep it, try next time. */
  | { kind: 'unreadable'; code: string }
  | { kind: 'unsupported-version'; version: unknown }
  | { kind: 'undecryptable'; transient: boolean; header: SessionFileHeader };

/**
 * `session.enc`: one line of JSON header, then the SecretStore ciphertext of
 * `{"v":1,"token":"…"}` in base64. Written atomically with mode 0600.
 */
export class SessionFile {
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly secretStore: SecretStore,
  ) {
    this.path = path.join(dataDir, SESSION_FILE_NAME);
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

  /** Reads the header only (no keyring call); null when missing or unreadable. */
  readHeader(): SessionFileHeader | null {
    const raw = this.readRaw();
    if (raw === null || typeof raw !== 'string') return null;
    const parsed = parseFile(raw);
    return 'header' in parsed ? parsed.header : null;
  }

  /** Reads and decrypts. Never throws for bad content: it says what is wrong instead. */
  async read(): Promise<SessionFileContent> {
    const raw = this.readRaw();
    if (raw === null) return { kind: 'missing' };
    if (typeof raw !== 'string') return raw;
    const parsed = parseFile(raw);
    if (!('header' in parsed)) return parsed;
    const { header, ciphertext } = parsed;
    let plaintext: string;
    try {
      plaintext = await this.secretStore.decrypt(ciphertext);
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
    return { kind: 'token', token, header };
  }

  /** Deletes the file; with `onlySessionId`, only if it holds that session. */
  delete(onlySessionId?: string): void {
    if (onlySessionId !== undefined) {
      const header = this.readHeader();
      if (header && header.sessionId !== onlySessionId) return;
    }
    removeFile(this.path);
  }

  private readRaw():
    string | null | { kind: 'corrupt'; detail: string } | { kind: 'unreadable'; code: string } {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.path);
    } catch {
      return null;
    }
    if (!stat.isFile()) return { kind: 'corrupt', detail: 'not a regular file' };
    if (stat.size > MAX_FILE_BYTES) return { kind: 'corrupt', detail: 'the file is too large' };
    try {
      return fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      return { kind: 'unreadable', code: (error as NodeJS.ErrnoException).code ?? 'error' };
    }
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
