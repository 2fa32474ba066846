import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { removeOrphans } from '../persistence/orphans';
import { parseLegacyTime } from './legacy-rows';
import {
  LegacySourceError,
  type LegacySnapshot,
  type LegacySourceProblem,
  type LegacyUserRow,
} from './legacy-types';

/** The files SQLite may keep beside a database that hold part of its content. */
const SIDE_FILES = ['-wal', '-journal'] as const;
const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
/** A source that changes under every copy is being written to: it is refused as busy. */
const COPY_ATTEMPTS = 3;
const REQUIRED_COLUMNS = ['id', 'username', 'password_hash', 'password_salt'] as const;

/** The private folder a copy is read in: `.legacy-copy-<pid>-<random>` in the work directory. */
const COPY_DIR = /^\.legacy-copy-(\d+)-[0-9a-f]+$/;

/**
 * Reads an earlier Justice Companion database without changing a byte of it or of the files
 * beside it. SQLite is never pointed at the source: even read-only, it creates `-wal` and `-shm`
 * files beside a WAL database that has none. Instead the file (and its `-wal` or `-journal`, when
 * there is one) is copied into a private folder of `workDir` (the data directory, which holds
 * accounts already and is the owner's only), hashed on the way, and the copy is opened, so SQLite
 * recovers a WAL or rolls back an interrupted write in the copy; the folder is removed after. A
 * copy made while the earlier app was writing is detected (a file changed between the start and
 * the end of the copy) and taken again, then refused as busy. The snapshot holds the committed
 * state. Folders that killed imports left behind are removed first.
 */
export async function readLegacySource(
  file: string,
  now: number,
  workDir: string,
): Promise<LegacySnapshot> {
  const source = path.resolve(file);
  removeStaleCopies(workDir);
  let dir: string;
  try {
    dir = path.join(
      workDir,
      `.legacy-copy-${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
    );
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    throw copyProblem(error, source);
  }
  try {
    const copy = await snapshot(source, dir);
    return { path: source, ...copy, ...readCopy(path.join(dir, 'legacy.db'), source, now) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Removes the copy folders in `workDir` of imports whose process is gone (killed mid-import):
 * they hold a copy of an earlier database. Returns how many; never throws.
 */
export function removeStaleCopies(workDir: string): number {
  return removeOrphans(workDir, (entry) => {
    const pid = Number(COPY_DIR.exec(entry)?.[1] ?? 0);
    return pid === 0 ? null : pid;
  });
}

type Snapshot = Pick<LegacySnapshot, 'bytes' | 'mtimeMs' | 'sha256'>;

async function snapshot(source: string, dir: string): Promise<Snapshot> {
  for (let attempt = 0; attempt < COPY_ATTEMPTS; attempt += 1) {
    const before = statAll(source);
    if (before.size === 0n)
      throw refused('unrecognised', source, `${source} is empty: it holds no accounts.`);
    checkMagic(source);
    const hash = crypto.createHash('sha256');
    let complete = true;
    for (const suffix of ['', ...before.side.keys()]) {
      const to = path.join(dir, `legacy.db${suffix}`);
      complete &&= await copyAndHash(source + suffix, to, hash, source);
    }
    if (complete && sameFiles(before, statAll(source))) {
      return {
        bytes: Number(before.size),
        mtimeMs: Number(before.mtimeNs / 1_000_000n),
        sha256: hash.digest('hex'),
      };
    }
    for (const name of fs.readdirSync(dir)) fs.rmSync(path.join(dir, name), { force: true });
  }
  throw refused(
    'busy',
    source,
    `${source} kept changing while it was read (is the earlier Justice Companion still running?). Close it and try again.`,
  );
}

interface FileState {
  size: bigint;
  mtimeNs: bigint;
  ino: bigint;
  /** The side files present, with their size and mtime. */
  side: Map<string, string>;
}

function statAll(source: string): FileState {
  let stat: fs.BigIntStats;
  try {
    stat = fs.statSync(source, { bigint: true });
  } catch (error) {
    throw fileProblem(error, source);
  }
  if (!stat.isFile()) throw refused('missing', source, `${source} is not a file.`);
  const side = new Map<string, string>();
  for (const suffix of SIDE_FILES) {
    const s = fs.statSync(source + suffix, { bigint: true, throwIfNoEntry: false });
    if (s?.isFile() && s.size > 0n) side.set(suffix, `${s.size}:${s.mtimeNs}:${s.ino}`);
  }
  return { size: stat.size, mtimeNs: stat.mtimeNs, ino: stat.ino, side };
}

function sameFiles(a: FileState, b: FileState): boolean {
  if (a.size !== b.size || a.mtimeNs !== b.mtimeNs || a.ino !== b.ino) return false;
  if (a.side.size !== b.side.size) return false;
  for (const [suffix, state] of a.side) if (b.side.get(suffix) !== state) return false;
  return true;
}

function checkMagic(source: string): void {
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  let read: number;
  try {
    const fd = fs.openSync(source, 'r');
    try {
      read = fs.readSync(fd, head, 0, head.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (error) {
    throw fileProblem(error, source);
  }
  if (read < head.length || !head.equals(SQLITE_MAGIC))
    throw refused('not-sqlite', source, `${source} is not an SQLite database.`);
}

/** Copies `from` to `to`, hashing it on the way; false when it vanished meanwhile (a side file). */
async function copyAndHash(
  from: string,
  to: string,
  hash: crypto.Hash,
  source: string,
): Promise<boolean> {
  let out: fs.promises.FileHandle;
  try {
    out = await fs.promises.open(to, 'wx', 0o600);
  } catch (error) {
    throw copyProblem(error, source);
  }
  let writing = false;
  try {
    for await (const chunk of fs.createReadStream(from)) {
      hash.update(chunk as Buffer);
      writing = true;
      await out.write(chunk as Buffer);
      writing = false;
    }
    return true;
  } catch (error) {
    if (writing) throw copyProblem(error, source);
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && from !== source) return false;
    throw fileProblem(error, source);
  } finally {
    await out.close();
  }
}

/** Reads the copy: recognises the schema, then every user and the sessions' expiry times. */
function readCopy(
  file: string,
  source: string,
  now: number,
): Pick<LegacySnapshot, 'users' | 'sessions'> {
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { fileMustExist: true });
    const tables = new Set(
      db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all(),
    );
    const columns = (table: string): Set<string> =>
      new Set((db!.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name));
    const userColumns = recognise(tables, tables.has('users') ? columns('users') : null, source);
    const optional = ['is_active', 'created_at', 'updated_at'].filter((c) => userColumns.has(c));
    return db.transaction(() => {
      const users = db!
        .prepare<[], LegacyUserRow>(
          `SELECT ${[...REQUIRED_COLUMNS, ...optional].join(', ')} FROM users ORDER BY id`,
        )
        .all();
      const sessions = { total: 0, live: 0 };
      if (tables.has('sessions') && columns('sessions').has('expires_at')) {
        for (const expires of db!.prepare('SELECT expires_at FROM sessions').pluck().iterate()) {
          sessions.total += 1;
          if ((parseLegacyTime(expires) ?? 0) > now) sessions.live += 1;
        }
      } else if (tables.has('sessions')) {
        sessions.total = db!.prepare<[], number>('SELECT count(*) FROM sessions').pluck().get()!;
      }
      return { users, sessions };
    })();
  } catch (error) {
    if (error instanceof LegacySourceError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
      throw refused(
        'not-sqlite',
        source,
        `${source} is not a readable SQLite database (${code}).`,
        error,
      );
    throw refused(
      'unreadable',
      source,
      `${source} could not be read: ${(error as Error).message}`,
      error,
    );
  } finally {
    db?.close();
  }
}

/** The `users` columns, or a refusal saying what the file is instead. */
function recognise(tables: Set<string>, users: Set<string> | null, source: string): Set<string> {
  const notOurs = `${source} is not a database of an earlier Justice Companion release`;
  if (!users) {
    throw refused(
      'unrecognised',
      source,
      tables.size === 0 ? `${notOurs}: it holds no tables.` : `${notOurs}: it has no users table.`,
    );
  }
  const missing = REQUIRED_COLUMNS.filter((column) => !users.has(column));
  if (missing.length === 0) return users;
  if (tables.has('audit_log') && tables.has('login_throttle')) {
    throw refused(
      'unrecognised',
      source,
      `${notOurs}: it is a sessions database of this version (its accounts are current already). Point --from at the earlier app's justice.db.`,
    );
  }
  throw refused(
    'unrecognised',
    source,
    `${notOurs}: its users table has no ${missing.join(', ')} column${missing.length === 1 ? '' : 's'}.`,
  );
}

function refused(
  problem: LegacySourceProblem,
  source: string,
  message: string,
  cause?: unknown,
): LegacySourceError {
  return new LegacySourceError(problem, source, `${message} Nothing was imported.`, { cause });
}

function copyProblem(error: unknown, source: string): LegacySourceError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return refused(
    'unreadable',
    source,
    `${source} could not be copied into the data directory to be read (${code}).`,
    error,
  );
}

function fileProblem(error: unknown, source: string): LegacySourceError {
  if (error instanceof LegacySourceError) return error;
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ENOENT') return refused('missing', source, `No file at ${source}.`, error);
  if (code === 'EISDIR') return refused('missing', source, `${source} is not a file.`, error);
  return refused('unreadable', source, `${source} could not be read (${code}).`, error);
}
