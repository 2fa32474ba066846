import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../ports';
import { removeStaleTempFiles } from './atomic-file';
import { DATA_FILES } from './data-files';

/** Owner only: the directory holds password hashes, the audit log and encrypted tokens. */
const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;
/** SQLite's side files: it creates them with the database file's mode, so 0600 carries over. */
const DATABASE_SIDE_FILES = ['-wal', '-shm', '-journal'];

/**
 * Makes `dataDir` ready for a runtime and returns the database's path: creates it (0700) when
 * missing and tightens it to 0700 when it exists; creates the database file 0600 before SQLite
 * opens it (SQLite gives its -wal and -shm files the database's mode) and tightens every file of
 * ours that is already there; refuses a read-only directory or database up front (EROFS even for
 * root: SQLite would otherwise open it read-only, or not at all, depending on which side files
 * exist); and removes the temp files a process killed mid-write left behind.
 */
export function prepareDataDir(dataDir: string, logger: Logger): string {
  fs.mkdirSync(dataDir, { recursive: true, mode: PRIVATE_DIR });
  fs.accessSync(dataDir, fs.constants.W_OK);
  tighten(dataDir, PRIVATE_DIR, logger);
  const database = path.join(dataDir, DATA_FILES.database);
  if (fs.existsSync(database)) fs.accessSync(database, fs.constants.W_OK);
  else fs.closeSync(fs.openSync(database, 'a', PRIVATE_FILE));
  const ours = [
    ...Object.values(DATA_FILES),
    ...DATABASE_SIDE_FILES.map((suffix) => `${DATA_FILES.database}${suffix}`),
  ];
  for (const name of ours) tighten(path.join(dataDir, name), PRIVATE_FILE, logger);
  const stale = removeStaleTempFiles(dataDir, Object.values(DATA_FILES));
  if (stale > 0) logger.info('removed temp files left by an interrupted write', { count: stale });
  return database;
}

/** Sets `mode` on `file` when it is a regular file or directory of ours with a looser mode. */
function tighten(file: string, mode: number, logger: Logger): void {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return; // not there: nothing to tighten
  }
  // Never follow a link out of the directory; the restore deals with odd things at our names.
  if (!stat.isFile() && !stat.isDirectory()) return;
  if ((stat.mode & 0o777 & ~mode) === 0) return;
  try {
    fs.chmodSync(file, mode);
  } catch (error) {
    logger.warn('could not make a data file private', {
      file: path.basename(file),
      code: (error as NodeJS.ErrnoException).code ?? 'error',
    });
  }
}
