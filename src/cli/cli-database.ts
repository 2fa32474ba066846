import fs from 'node:fs';
import path from 'node:path';
import { DatabaseFromFutureError, loadMigrations } from '../core/db/migrate';
import { resolveMigrationsDir } from '../core/db/migrations-dir';
import { openDatabase, type Db } from '../core/db/open-database';
import { isBusyError } from '../core/errors/disk-error';
import { DATA_FILES } from '../core/persistence/data-files';
import { CliError, EXIT } from './cli-args';

/** How the CLI opens the app's database. */
export interface OpenOptions {
  migrationsDir?: string;
  /** How long a write waits for the app's lock before giving up. */
  busyTimeoutMs: number;
  readonly: boolean;
}

/**
 * Opens the app's database in `dataDir` for a command, refusing anything but a database at this
 * tool's schema version: it never creates one, never migrates one, never touches one from a newer
 * app. The schema is checked on a read-only connection first, since opening read-write would
 * already turn an empty or foreign file into a WAL database.
 */
export function openAppDatabase(dataDir: string, options: OpenOptions): Db {
  requireDataDir(dataDir, '');
  const file = path.join(dataDir, DATA_FILES.database);
  if (!fs.existsSync(file)) {
    throw new CliError(
      EXIT.environment,
      `No sessions database at ${file}. Nothing was created; start the app once, or check --data-dir.`,
    );
  }
  const check = openForCli(file, { readonly: true, busyTimeoutMs: options.busyTimeoutMs });
  try {
    const latest = loadMigrations(resolveMigrationsDir(options.migrationsDir)).length;
    const version = check.pragma('user_version', { simple: true }) as number;
    if (version > latest) throw new DatabaseFromFutureError(version, latest);
    if (version < latest) throw wrongSchema(file, version, latest);
  } finally {
    check.close();
  }
  return openForCli(file, options);
}

/** Refuses a `--data-dir` that does not exist or is not a directory; `note` ends the sentence. */
export function requireDataDir(dataDir: string, note: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dataDir);
  } catch {
    throw new CliError(EXIT.environment, `No data directory at ${dataDir}.${note}`);
  }
  if (!stat.isDirectory()) throw new CliError(EXIT.environment, `${dataDir} is not a directory.`);
}

/** The refusal of a database below this tool's schema version. */
export function wrongSchema(file: string, version: number, latest: number): CliError {
  return new CliError(
    EXIT.environment,
    version === 0
      ? `${file} is not a sessions database (schema version 0). Nothing was changed.`
      : `${file} is at schema version ${version}; this tool needs ${latest}. Start the app once to upgrade it. Nothing was changed.`,
  );
}

/** Opens an existing database file, turning a failure into a sentence with the code. */
export function openForCli(
  file: string,
  options: { readonly: boolean; busyTimeoutMs: number },
): Db {
  const { readonly, busyTimeoutMs } = options;
  try {
    return openDatabase(file, { readonly, fileMustExist: true, busyTimeoutMs });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    const hint = readonly ? '' : ' (is the data directory writable?)';
    throw new CliError(
      EXIT.environment,
      `Cannot open ${file} (${code}): ${(error as Error).message}${hint}`,
    );
  }
}

/** An error as the CLI reports it: an exit code and a sentence. */
export function describeProblem(error: unknown): { exitCode: number; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof DatabaseFromFutureError)
    return { exitCode: EXIT.environment, message: `${error.message} This tool will not touch it.` };
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  if (isBusyError(error))
    return {
      exitCode: EXIT.environment,
      message:
        'The database stayed busy (the app held its lock too long). Nothing was changed; try again.',
    };
  if (typeof code === 'string' && /^SQLITE_/.test(code))
    return { exitCode: EXIT.environment, message: `Database problem (${code}): ${text}` };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    return { exitCode: EXIT.environment, message: `File system problem (${code}): ${text}` };
  return { exitCode: EXIT.environment, message: `Unexpected error: ${text}` };
}
