import fs from 'node:fs';

/** What kind of trouble the data directory's storage is in. */
export type StorageProblem = 'STORAGE_FULL' | 'STORAGE_READ_ONLY' | 'STORAGE_IO';

const MESSAGES: Record<StorageProblem, string> = {
  STORAGE_FULL: 'Your changes could not be saved: the disk is full. Free some space and try again.',
  STORAGE_READ_ONLY: "Your changes could not be saved: the app's data folder is read-only.",
  STORAGE_IO: 'Your changes could not be saved: the disk reported an error. Please try again.',
};

/**
 * The data directory cannot be written (full disk, read-only file system, I/O error). Thrown by
 * `createSessionRuntime` instead of the raw SQLite or file-system error, so that the shell can
 * tell the user what is wrong; nothing on disk was changed by the failed start.
 */
export class StorageError extends Error {
  constructor(
    readonly code: StorageProblem,
    readonly dataDir: string,
    options: { cause?: unknown } = {},
  ) {
    super(
      code === 'STORAGE_FULL'
        ? `The disk holding ${dataDir} is full: sessions cannot be saved. Free some space and start again.`
        : code === 'STORAGE_READ_ONLY'
          ? `The data directory ${dataDir} is read-only: sessions cannot be saved. Make it writable and start again.`
          : `The disk holding ${dataDir} reported an error: sessions cannot be saved.`,
      options,
    );
    this.name = 'StorageError';
  }
}

/** The sentence the renderer shows for a request that failed on `problem`. */
export function storageMessage(problem: StorageProblem): string {
  return MESSAGES[problem];
}

const FULL = /^(SQLITE_FULL|ENOSPC|EDQUOT)$/;
const READ_ONLY = /^(SQLITE_READONLY.*|EROFS|EACCES|EPERM)$/;
const IO = /^(SQLITE_IOERR.*|SQLITE_CANTOPEN.*|EIO)$/;

/**
 * Classifies an error that came from writing to the data directory, or returns null for any
 * other error. An ambiguous SQLite I/O error is refined by looking at the directory itself: a
 * read-only file system, or no free space left.
 */
export function storageProblemOf(error: unknown, dataDir: string): StorageProblem | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (FULL.test(code)) return 'STORAGE_FULL';
  if (!READ_ONLY.test(code) && !IO.test(code)) return null;
  try {
    fs.accessSync(dataDir, fs.constants.W_OK);
  } catch (access) {
    const accessCode = (access as NodeJS.ErrnoException).code;
    if (accessCode === 'EROFS' || accessCode === 'EACCES' || accessCode === 'EPERM')
      return 'STORAGE_READ_ONLY';
  }
  if (READ_ONLY.test(code)) return 'STORAGE_READ_ONLY';
  try {
    const stats = fs.statfsSync(dataDir);
    if (stats.bavail * stats.bsize < 256 * 1024) return 'STORAGE_FULL';
  } catch {
    // no statfs here: stay with the generic answer
  }
  return 'STORAGE_IO';
}
