/**
 * The maintenance CLI: `stats`, `list`, `revoke`, `revoke-user`, `cleanup`, `verify-audit` and
 * `import-legacy` on an app's data directory. {@link runCli} runs in-process for tests;
 * `sessions.ts` is the executable.
 *
 * It never prints a token, a secret hash or a password hash (it never even selects them), never
 * creates a database (but for `import-legacy` where there is none), refuses one written by a
 * newer app, and is safe to run while the app has the same database open: WAL lets both read,
 * writes wait for the other's lock (busy timeout), and the app notices its writes through
 * `PRAGMA data_version`.
 */
import path from 'node:path';
import type { Db } from '../core/db/open-database';
import { systemClock, type Clock } from '../core/ports';
import { COMMANDS, EXIT, parseCliArgs, usage, type Args, type Command } from './cli-args';
import type { CommandRunner } from './cli-context';
import { describeProblem, openAppDatabase } from './cli-database';
import { cleanup } from './commands/cleanup';
import { importLegacy } from './commands/import-legacy';
import { list } from './commands/list';
import { revoke } from './commands/revoke';
import { revokeUser } from './commands/revoke-user';
import { stats } from './commands/stats';
import { verifyAudit } from './commands/verify-audit';
import { openImportTarget, type ImportTarget } from './import-target';
import type { CliIo } from './output';

export type { CliIo } from './output';

/** Options for tests: the clock, the migrations folder, the busy timeout. */
export interface CliOptions {
  clock?: Clock;
  migrationsDir?: string;
  /** How long a write waits for the app's lock before giving up (default 10 s). */
  busyTimeoutMs?: number;
}

const RUNNERS: Record<Exclude<Command, 'import-legacy'>, CommandRunner> = {
  stats,
  list,
  revoke,
  'revoke-user': revokeUser,
  cleanup,
  'verify-audit': verifyAudit,
};

/**
 * Runs one CLI command. Never throws: every outcome is an exit code, with the answer on
 * `stdout` and problems on `stderr`.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  options: CliOptions = {},
): Promise<number> {
  let args: Args | 'help';
  try {
    args = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${usage()}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    io.stdout.write(usage());
    return EXIT.ok;
  }
  const dataDir = path.resolve(args.dataDir);
  // Whatever this run opened, closed at the end (a holder: import-legacy opens it in a callback).
  const opened: { db: Db | null } = { db: null };
  try {
    const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
    const { migrationsDir } = options;
    const clock = options.clock ?? systemClock;
    if (args.command === 'import-legacy') {
      // The one command that may create the database: it opens it once the source was read.
      const openTarget = (): ImportTarget => {
        const target = openImportTarget(dataDir, {
          migrationsDir,
          busyTimeoutMs,
          dryRun: args.dryRun,
        });
        opened.db = target.db;
        return target;
      };
      return await importLegacy({ args, io, clock, dataDir, openTarget });
    }
    const db = openAppDatabase(dataDir, {
      ...{ migrationsDir, busyTimeoutMs },
      readonly: !COMMANDS[args.command].writes,
    });
    opened.db = db;
    return await RUNNERS[args.command]({ db, args, io, clock, dataDir });
  } catch (error) {
    const problem = describeProblem(error);
    if (args.json) io.stdout.write(`${JSON.stringify({ ok: false, error: problem.message })}\n`);
    io.stderr.write(`${problem.message}\n`);
    return problem.exitCode;
  } finally {
    if (opened.db?.open) opened.db.close();
  }
}
