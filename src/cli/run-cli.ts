/**
 * The maintenance CLI's logic: `stats`, `list`, `revoke`, `revoke-user`, `cleanup`,
 * `verify-audit` on an app's data directory. Exported as {@link runCli} so that tests can run it
 * in-process; `src/cli/sessions.ts` is the executable entry.
 *
 * It never prints a token, a secret hash or a password hash (it never even selects them), never
 * creates a database, refuses one written by a newer app, and is safe to run while the app has
 * the same database open: WAL lets both read, writes wait for the other's lock (busy timeout),
 * and revocations it makes are noticed by the app through `PRAGMA data_version`. It has no
 * SecretStore, so the audit rows it writes are chained with plain SHA-256 (`keyed = 0`), which
 * the audit log supports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog, type AuditVerification } from '../core/audit/audit-log';
import { DatabaseFromFutureError, loadMigrations } from '../core/db/migrate';
import { openDatabase, type Db } from '../core/db/open-database';
import { systemClock, type Clock } from '../core/ports';
import { DATABASE_FILE_NAME } from '../core/runtime';
import { AccountService } from '../core/accounts/account-service';
import { DEFAULT_CONFIG } from '../core/config';
import { SessionManager, type SessionEvent } from '../core/sessions/session-manager';
import { isSessionId } from '../core/sessions/token';

/** Exit codes, documented in `usage()`. */
export const EXIT = {
  ok: 0,
  /** The command ran and the answer is "no": not found, verification failed. */
  negative: 1,
  usage: 2,
  /** No data directory or database, a database from a newer app, busy, disk trouble. */
  environment: 3,
} as const;

/** Where the CLI writes; `process.stdout`/`stderr` by default. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Options for tests: the clock, the migrations folder, the busy timeout. */
export interface CliOptions {
  clock?: Clock;
  migrationsDir?: string;
  /** How long a write waits for the app's lock before giving up (default 10 s). */
  busyTimeoutMs?: number;
}

/** Who the audit log says made a change. */
export const CLI_ACTOR = 'maintenance-cli';

const COMMANDS = ['stats', 'list', 'revoke', 'revoke-user', 'cleanup', 'verify-audit'] as const;
type Command = (typeof COMMANDS)[number];
const READ_ONLY: ReadonlySet<Command> = new Set(['stats', 'list', 'verify-audit']);

interface Args {
  command: Command;
  positional: string[];
  dataDir: string;
  json: boolean;
  user?: string;
  limit: number;
}

/** A failure with a message for the user and an exit code. */
class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The usage text. */
export function usage(): string {
  return `Usage: npm run sessions -- <command> --data-dir <dir> [--json]

Commands:
  stats                     counts of users, sessions and audit rows
  list [--user <name>]      sessions, newest activity first (--limit <n>, default 200; 0 = all)
  revoke <sessionId>        end one session
  revoke-user <name>        end every session of one account
  cleanup                   delete expired sessions now
  verify-audit              check the audit chain (keyed rows: order and linkage only,
                            the HMAC key lives in the app's keyring)

Options:
  --data-dir <dir>          the app's data directory (the one holding ${DATABASE_FILE_NAME})
  --json                    machine-readable output on stdout
  --help                    this text

Exit codes: 0 done; 1 not found or verification failed; 2 usage; 3 no database, a database from
a newer app, busy or disk trouble.
`;
}

function parseArgs(argv: readonly string[]): Args | 'help' {
  const positional: string[] = [];
  let dataDir: string | undefined;
  let json = false;
  let user: string | undefined;
  let limit = 200;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--'))
        throw new CliError(EXIT.usage, `${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    else if (arg === '--json') json = true;
    else if (arg === '--data-dir') dataDir = value();
    else if (arg === '--user') user = value();
    else if (arg === '--limit') {
      const raw = value();
      limit = Number(raw);
      if (!Number.isSafeInteger(limit) || limit < 0)
        throw new CliError(EXIT.usage, `--limit must be a whole number, got ${raw.slice(0, 20)}`);
    } else if (arg.startsWith('--'))
      throw new CliError(EXIT.usage, `Unknown option ${arg.slice(0, 40)}`);
    else positional.push(arg);
  }
  const command = positional.shift();
  if (command === undefined) throw new CliError(EXIT.usage, 'No command given.');
  if (!(COMMANDS as readonly string[]).includes(command))
    throw new CliError(EXIT.usage, `Unknown command ${command.slice(0, 40)}`);
  if (dataDir === undefined) throw new CliError(EXIT.usage, '--data-dir <dir> is required.');
  const wants: Record<Command, number> = {
    stats: 0,
    list: 0,
    revoke: 1,
    'revoke-user': 1,
    cleanup: 0,
    'verify-audit': 0,
  };
  const cmd = command as Command;
  if (positional.length !== wants[cmd]) {
    throw new CliError(
      EXIT.usage,
      wants[cmd] === 0
        ? `${cmd} takes no arguments`
        : `${cmd} needs exactly one argument (${cmd === 'revoke' ? '<sessionId>' : '<name>'})`,
    );
  }
  if (user !== undefined && cmd !== 'list') throw new CliError(EXIT.usage, '--user goes with list');
  return { command: cmd, positional, dataDir, json, user, limit };
}

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
    args = parseArgs(argv);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${usage()}`);
    return EXIT.usage;
  }
  if (args === 'help') {
    io.stdout.write(usage());
    return EXIT.ok;
  }
  let db: Db | null = null;
  try {
    db = openChecked(args, options);
    const context: Context = {
      db,
      args,
      io,
      clock: options.clock ?? systemClock,
      dataDir: path.resolve(args.dataDir),
    };
    return await COMMAND_RUNNERS[args.command](context);
  } catch (error) {
    const problem = describeProblem(error);
    if (args.json) io.stdout.write(`${JSON.stringify({ ok: false, error: problem.message })}\n`);
    io.stderr.write(`${problem.message}\n`);
    return problem.exitCode;
  } finally {
    if (db?.open) db.close();
  }
}

/** The core's session logic on the CLI's connection (a one-shot process: no cache). */
function sessionManager(c: Context, onEvent?: (event: SessionEvent) => void): SessionManager {
  return new SessionManager({
    db: c.db,
    clock: c.clock,
    config: { enableMemoryCache: false },
    onEvent,
  });
}

interface Context {
  db: Db;
  args: Args;
  io: CliIo;
  clock: Clock;
  dataDir: string;
}

function openChecked(args: Args, options: CliOptions): Db {
  const dir = path.resolve(args.dataDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch {
    throw new CliError(EXIT.environment, `No data directory at ${dir}.`);
  }
  if (!stat.isDirectory()) throw new CliError(EXIT.environment, `${dir} is not a directory.`);
  const file = path.join(dir, DATABASE_FILE_NAME);
  if (!fs.existsSync(file)) {
    throw new CliError(
      EXIT.environment,
      `No sessions database at ${file}. Nothing was created; start the app once, or check --data-dir.`,
    );
  }
  // Check the schema on a read-only connection first: opening read-write would already turn an
  // empty or foreign file into a WAL database.
  const check = openOrExplain(file, true, options);
  try {
    const latest = loadMigrations(
      options.migrationsDir ?? path.resolve(import.meta.dirname, '../../migrations'),
    ).length;
    const version = check.pragma('user_version', { simple: true }) as number;
    if (version > latest) throw new DatabaseFromFutureError(version, latest);
    if (version < latest) {
      throw new CliError(
        EXIT.environment,
        version === 0
          ? `${file} is not a sessions database (schema version 0). Nothing was changed.`
          : `${file} is at schema version ${version}; this tool needs ${latest}. Start the app once to upgrade it. Nothing was changed.`,
      );
    }
  } finally {
    check.close();
  }
  return openOrExplain(file, READ_ONLY.has(args.command), options);
}

function openOrExplain(file: string, readonly: boolean, options: CliOptions): Db {
  try {
    return openDatabase(file, {
      readonly,
      fileMustExist: true,
      busyTimeoutMs: options.busyTimeoutMs ?? 10_000,
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    throw new CliError(
      EXIT.environment,
      `Cannot open ${file} (${code}): ${(error as Error).message}${readonly ? '' : ' (is the data directory writable?)'}`,
    );
  }
}

function describeProblem(error: unknown): { exitCode: number; message: string } {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  if (error instanceof DatabaseFromFutureError)
    return { exitCode: EXIT.environment, message: `${error.message} This tool will not touch it.` };
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED')
    return {
      exitCode: EXIT.environment,
      message:
        'The database stayed busy (the app held its lock too long). Nothing was changed; try again.',
    };
  if (
    typeof code === 'string' &&
    /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|CORRUPT|NOTADB)/.test(code)
  )
    return { exitCode: EXIT.environment, message: `Database problem (${code}): ${text}` };
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    return { exitCode: EXIT.environment, message: `File system problem (${code}): ${text}` };
  return { exitCode: EXIT.environment, message: `Unexpected error: ${text}` };
}

// ---- commands ----------------------------------------------------------------------------------

const COMMAND_RUNNERS: Record<Command, (c: Context) => Promise<number>> = {
  stats: async (c) => {
    const now = c.clock.now();
    const one = <T>(sql: string, ...params: unknown[]): T =>
      c.db
        .prepare(sql)
        .pluck()
        .get(...params) as T;
    const stats = {
      dataDir: c.dataDir,
      schemaVersion: c.db.pragma('user_version', { simple: true }) as number,
      databaseBytes:
        (c.db.pragma('page_count', { simple: true }) as number) *
        (c.db.pragma('page_size', { simple: true }) as number),
      users: {
        total: one<number>('SELECT count(*) FROM users'),
        active: one<number>('SELECT count(*) FROM users WHERE is_active = 1'),
        lockedOut: one<number>('SELECT count(*) FROM login_throttle WHERE locked_until > ?', now),
      },
      sessions: {
        total: one<number>('SELECT count(*) FROM sessions'),
        active: one<number>('SELECT count(*) FROM sessions WHERE idle_expires_at > ?', now),
        expiredNotYetRemoved: one<number>(
          'SELECT count(*) FROM sessions WHERE idle_expires_at <= ?',
          now,
        ),
        remembered: one<number>(
          'SELECT count(*) FROM sessions WHERE remember_me = 1 AND idle_expires_at > ?',
          now,
        ),
      },
      audit: {
        rows: one<number>('SELECT count(*) FROM audit_log'),
        lastSeq: one<number | null>('SELECT max(seq) FROM audit_log'),
        lastAt: iso(one<number | null>('SELECT max(at) FROM audit_log')),
      },
    };
    if (c.args.json) return out(c, { ok: true, stats });
    c.io.stdout.write(
      [
        `data directory   ${stats.dataDir}`,
        `schema version   ${stats.schemaVersion}`,
        `database size    ${(stats.databaseBytes / 1024 / 1024).toFixed(1)} MiB`,
        `users            ${stats.users.total} (${stats.users.active} active, ${stats.users.lockedOut} locked out now)`,
        `sessions         ${stats.sessions.total} in the table: ${stats.sessions.active} active (${stats.sessions.remembered} remembered), ${stats.sessions.expiredNotYetRemoved} expired and not yet removed`,
        `audit log        ${stats.audit.rows} rows${stats.audit.lastSeq === null ? '' : `, last #${stats.audit.lastSeq} at ${stats.audit.lastAt}`}`,
        '',
      ].join('\n'),
    );
    return EXIT.ok;
  },

  list: async (c) => {
    const now = c.clock.now();
    let userId: number | null = null;
    if (c.args.user !== undefined) {
      userId = findUserId(c.db, c.args.user);
      if (userId === null) return notFound(c, `No account named ${printable(c.args.user)}.`);
    }
    const where = userId === null ? '' : 'WHERE s.user_id = @userId';
    const limit = c.args.limit === 0 ? -1 : c.args.limit;
    // Only the public columns: never secret_hash.
    const rows = c.db
      .prepare(
        `SELECT s.id, u.username, s.created_at, s.last_active_at, s.expires_at, s.idle_expires_at, s.remember_me, s.device
         FROM sessions s JOIN users u ON u.id = s.user_id ${where}
         ORDER BY s.last_active_at DESC, s.id LIMIT @limit`,
      )
      .all({ ...(userId === null ? {} : { userId }), limit }) as Array<{
      id: string;
      username: string;
      created_at: number;
      last_active_at: number;
      expires_at: number;
      idle_expires_at: number;
      remember_me: number;
      device: string;
    }>;
    const total = c.db
      .prepare(`SELECT count(*) FROM sessions s ${where}`)
      .pluck()
      .get(userId === null ? {} : { userId }) as number;
    const sessions = rows.map((r) => ({
      id: r.id,
      username: r.username,
      createdAt: iso(r.created_at),
      lastActiveAt: iso(r.last_active_at),
      expiresAt: iso(r.expires_at),
      idleExpiresAt: iso(r.idle_expires_at),
      rememberMe: r.remember_me === 1,
      device: r.device,
      state: now < r.idle_expires_at ? 'active' : 'expired',
    }));
    if (c.args.json) return out(c, { ok: true, total, sessions });
    if (sessions.length === 0) {
      c.io.stdout.write('No sessions.\n');
      return EXIT.ok;
    }
    c.io.stdout.write(
      table(
        ['session id', 'user', 'state', 'remember', 'last active (UTC)', 'ends (UTC)', 'device'],
        sessions.map((s) => [
          s.id,
          printable(s.username),
          s.state,
          s.rememberMe ? 'yes' : 'no',
          s.lastActiveAt ?? '',
          s.idleExpiresAt ?? '',
          printable(s.device),
        ]),
      ),
    );
    if (total > sessions.length)
      c.io.stdout.write(`… ${total - sessions.length} more (use --limit 0 to list all)\n`);
    return EXIT.ok;
  },

  revoke: async (c) => {
    const sessionId = c.args.positional[0]!;
    if (!isSessionId(sessionId)) {
      throw new CliError(
        EXIT.usage,
        'revoke takes a session id (a lower-case UUID v4, as `list` shows it).',
      );
    }
    const audit = await openAudit(c);
    const sessions = sessionManager(c);
    const target = sessions.getSessionMetadata(sessionId);
    const result = target && sessions.destroySession(sessionId) ? target.userId : null;
    // Like the app: the change commits, then its audit row (which also moves the chain anchor).
    if (result !== null)
      audit.record({
        event: 'session-revoked',
        userId: result,
        sessionId,
        details: { by: CLI_ACTOR },
      });
    if (result === null) return notFound(c, `No session ${sessionId}.`);
    if (c.args.json) return out(c, { ok: true, revoked: 1, sessionId });
    c.io.stdout.write(`Revoked session ${sessionId}.\n`);
    return EXIT.ok;
  },

  'revoke-user': async (c) => {
    const name = c.args.positional[0]!;
    const userId = findUserId(c.db, name);
    if (userId === null) return notFound(c, `No account named ${printable(name)}.`);
    const audit = await openAudit(c);
    const count = sessionManager(c).revokeUserSessions(userId);
    audit.record({ event: 'sessions-revoked', userId, details: { count, by: CLI_ACTOR } });
    if (c.args.json) return out(c, { ok: true, revoked: count, userId });
    c.io.stdout.write(`Revoked ${count} session${count === 1 ? '' : 's'} of ${printable(name)}.\n`);
    return EXIT.ok;
  },

  cleanup: async (c) => {
    const audit = await openAudit(c);
    const sessions = sessionManager(c, (event) => {
      if (event.type === 'sessions-cleaned')
        audit.record({ event: 'cleanup', details: { deleted: event.count, by: CLI_ACTOR } });
    });
    const deleted = await sessions.cleanupExpiredSessions();
    const forgotten = new AccountService({
      db: c.db,
      sessions,
      clock: c.clock,
      argon2: DEFAULT_CONFIG.argon2,
      lockout: DEFAULT_CONFIG.lockout,
    }).forgetStaleFailures();
    if (c.args.json) return out(c, { ok: true, deleted, staleThrottleRecords: forgotten });
    c.io.stdout.write(
      `Deleted ${deleted} expired session${deleted === 1 ? '' : 's'} and ${forgotten} stale sign-in failure record${forgotten === 1 ? '' : 's'}.\n`,
    );
    return EXIT.ok;
  },

  'verify-audit': async (c) => {
    const audit = await AuditLog.open({
      db: c.db,
      dataDir: c.dataDir,
      clock: c.clock,
      secretStore: null,
    });
    const result: AuditVerification = await audit.verify();
    const note =
      result.unverifiedRows > 0
        ? `${result.unverifiedRows} keyed rows could not be authenticated here (their HMAC key is in the app's keyring); their order and linkage were checked.`
        : undefined;
    if (c.args.json) {
      out(c, { ok: result.ok, verification: result, ...(note ? { note } : {}) });
      return result.ok ? EXIT.ok : EXIT.negative;
    }
    if (result.ok) {
      c.io.stdout.write(`Audit chain OK: ${result.checked} rows checked.\n`);
    } else {
      c.io.stdout.write(
        `Audit chain FAILED at row ${result.firstBadSeq ?? '?'}: ${result.reason ?? 'unknown problem'} (${result.checked} rows checked).\n`,
      );
    }
    if (note) c.io.stdout.write(`Note: ${note}\n`);
    return result.ok ? EXIT.ok : EXIT.negative;
  },
};

async function openAudit(c: Context): Promise<AuditLog> {
  return AuditLog.open({ db: c.db, dataDir: c.dataDir, clock: c.clock, secretStore: null });
}

function findUserId(db: Db, name: string): number | null {
  const row = db.prepare('SELECT id FROM users WHERE username = ?').get(name) as
    { id: number } | undefined;
  return row?.id ?? null;
}

function notFound(c: Context, message: string): number {
  if (c.args.json) out(c, { ok: false, error: message });
  c.io.stderr.write(`${message}\n`);
  return EXIT.negative;
}

function out(c: Context, value: unknown): number {
  c.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return EXIT.ok;
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Strips control characters (a device name is user-influenced) so output stays one line. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?').slice(0, 80);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return `${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`;
}
