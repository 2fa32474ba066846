import fs from 'node:fs';

/** What kind of trouble the disk holding the data directory is in. */
export type DiskProblem = 'DISK_FULL' | 'DISK_READ_ONLY' | 'DISK_IO';

const MESSAGES: Record<DiskProblem, string> = {
  DISK_FULL: 'Your changes could not be saved: the disk is full. Free some space and try again.',
  DISK_READ_ONLY: "Your changes could not be saved: the app's data folder is read-only.",
  DISK_IO: 'Your changes could not be saved: the disk reported an error. Please try again.',
};

/**
 * The data directory cannot be written (full disk, read-only file system, I/O error). Thrown by
 * `createSessionRuntime` instead of the raw SQLite or file-system error, so that the shell can
 * tell the user what is wrong; nothing on disk was changed by the failed start.
 */
export class DiskError extends Error {
  constructor(
    readonly code: DiskProblem,
    readonly dataDir: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      code === 'DISK_FULL'
        ? `The disk holding ${dataDir} is full: sessions cannot be saved. Free some space and start again.`
        : code === 'DISK_READ_ONLY'
          ? `The data directory ${dataDir} is read-only: sessions cannot be saved. Make it writable and start again.`
          : `The disk holding ${dataDir} reported an error: sessions cannot be saved.`,
      options,
    );
    this.name = 'DiskError';
  }
}

/** The sentence the renderer shows for a request that failed on `problem`. */
export function diskMessage(problem: DiskProblem): string {
  return MESSAGES[problem];
}

const FULL = /^(SQLITE_FULL|ENOSPC|EDQUOT)$/;
const READ_ONLY = /^(SQLITE_READONLY.*|EROFS|EACCES|EPERM)$/;
const IO = /^(SQLITE_IOERR.*|SQLITE_CANTOPEN.*|EIO)$/;
const BUSY = /^(SQLITE_BUSY.*|SQLITE_LOCKED.*)$/;

/** The `code` of an error from SQLite or the file system, or null. */
function codeOf(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** True for SQLite's "another connection holds the lock" errors (after the busy timeout). */
export function isBusyError(error: unknown): boolean {
  return BUSY.test(codeOf(error) ?? '');
}

/**
 * Classifies an error that came from writing to the data directory, or returns null for any
 * other error. An ambiguous SQLite I/O error is refined by looking at the directory itself: a
 * read-only file system, or no free space left.
 */
export function diskProblemOf(error: unknown, dataDir: string): DiskProblem | null {
  const code = codeOf(error);
  if (code === null) return null;
  if (FULL.test(code)) return 'DISK_FULL';
  if (!READ_ONLY.test(code) && !IO.test(code)) return null;
  try {
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (access) {
    const accessCode = codeOf(access);
    if (accessCode === 'EROFS' || accessCode === 'EACCES' || accessCode === 'EPERM')
      return 'DISK_READ_ONLY';
  }
  if (READ_ONLY.test(code)) return 'DISK_READ_ONLY';
  try {
    const stats = fs.statfsSync(dataDir);
    if (stats.bavail * stats.bsize < 256 * 1024) return 'DISK_FULL';
  } catch {
    // no statfs here: stay with the generic answer
  }
  return 'DISK_IO';
}
