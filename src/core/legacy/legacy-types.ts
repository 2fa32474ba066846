/** Why an earlier database was not imported. */
export type LegacySourceProblem =
  /** Nothing at the path (or not a regular file). */
  | 'missing'
  /** It could not be read now (permissions, I/O): nothing was written; try again. */
  | 'unreadable'
  /** It kept changing while it was read (the earlier app is running): close it and try again. */
  | 'busy'
  /** Not an SQLite database at all. */
  | 'not-sqlite'
  /** SQLite, but not the accounts of an earlier Justice Companion release. */
  | 'unrecognised';

/** A source that was not imported: nothing was written, and the message says why. */
export class LegacySourceError extends Error {
  readonly code = 'LEGACY_SOURCE_REFUSED';
  constructor(
    readonly problem: LegacySourceProblem,
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LegacySourceError';
  }

  /** True when the same file may import later (it was busy or could not be read now). */
  get transient(): boolean {
    return this.problem === 'busy' || this.problem === 'unreadable';
  }
}

/** A `users` row of the earlier database, as read (SQLite columns are loosely typed). */
export interface LegacyUserRow {
  id: unknown;
  username: unknown;
  password_hash: unknown;
  password_salt: unknown;
  /** Absent when the earlier table had no such column. */
  is_active?: unknown;
  created_at?: unknown;
  updated_at?: unknown;
}

/** What was read from an earlier database, in one consistent snapshot. */
export interface LegacySnapshot {
  /** Absolute. */
  path: string;
  bytes: number;
  mtimeMs: number;
  /** SHA-256 of the file (followed by its -wal or -journal, when one is beside it). */
  sha256: string;
  users: LegacyUserRow[];
  /** The earlier `sessions` rows (never imported): how many, and how many had not expired. */
  sessions: { total: number; live: number };
}

/** An earlier account that can be imported. Times are ms since the epoch, UTC. */
export interface LegacyAccount {
  legacyId: number;
  username: string;
  /** The scrypt hash as a PHC string. */
  phc: string;
  active: boolean;
  createdAt: number;
  /** False when the earlier creation time could not be read: `createdAt` is the import's time. */
  createdAtKnown: boolean;
  /** The earlier `created_at` as read, in ms, or null (what a later import compares). */
  legacyCreatedAt: number | null;
  updatedAt: number;
  /** The username rule the name breaks (it is kept as it is), or null. */
  grandfathered: string | null;
}

/** An account the import brought in (or, in a dry run, would). */
export interface ImportedAccount {
  oldId: number;
  newId: number;
  username: string;
  active: boolean;
  /** The earlier creation time, ms; null when it could not be read. */
  createdAt: number | null;
  grandfathered: boolean;
}

/** An earlier account an earlier import already brought in. */
export interface PresentAccount {
  oldId: number;
  username: string;
  userId: number;
}

/** An earlier account skipped because its name is taken, but for case. */
export interface NameConflict {
  oldId: number;
  username: string;
  /** `case-duplicate`: another earlier account with a lower id took it; `name-taken`: an account here has it. */
  reason: 'case-duplicate' | 'name-taken';
  /** Who has the name: the earlier account that won (`oldId`) or the account here (`userId`). */
  with: { oldId: number | null; userId: number | null; username: string };
}

/** An earlier row that could not be imported as it is. */
export interface MalformedRow {
  oldId: number | null;
  username: string | null;
  problem: string;
}

/** What an import did (or, with `dryRun`, would do). */
export interface LegacyImportReport {
  /** `already-imported`: this content was imported before (from any path); nothing was done. */
  outcome: 'imported' | 'already-imported';
  dryRun: boolean;
  source: { path: string; bytes: number; sha256: string };
  /** The earlier import of the same content, for `already-imported`. */
  previousImport: { id: number; at: number; path: string; imported: number } | null;
  /** The row of `legacy_imports` this import wrote (null for a dry run or `already-imported`). */
  importId: number | null;
  /** The target had no accounts, so the earlier ids were kept. */
  idsKept: boolean;
  imported: ImportedAccount[];
  alreadyPresent: PresentAccount[];
  conflicts: NameConflict[];
  malformed: MalformedRow[];
  /** Imported names that break today's username rules (kept as they are). */
  grandfathered: number;
  /** Earlier sessions: never imported; they all end. */
  oldSessions: { total: number; live: number };
}

/** How far an import has got, for a progress line. */
export type LegacyProgress =
  | { stage: 'read'; accounts: number; sessions: number }
  | { stage: 'write'; done: number; total: number };
