import { parseArgs } from 'node:util';
import { DATA_FILES } from '../core/persistence/data-files';

/** Exit codes, as the usage text documents them. */
export const EXIT = {
  ok: 0,
  /** The command ran and the answer is "no": not found, verification failed. */
  negative: 1,
  usage: 2,
  /** No data directory or database, a database from a newer app, busy, disk trouble. */
  environment: 3,
} as const;

/** A failure with a message for the user and an exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The commands, with how many positional arguments each takes and what they are called. */
export const COMMANDS = {
  stats: { args: [], writes: false },
  list: { args: [], writes: false },
  revoke: { args: ['<sessionId>'], writes: true },
  'revoke-user': { args: ['<name>'], writes: true },
  cleanup: { args: [], writes: true },
  'verify-audit': { args: [], writes: false },
  'import-legacy': { args: [], writes: true },
} as const satisfies Record<string, { args: readonly string[]; writes: boolean }>;

/** One of {@link COMMANDS}. */
export type Command = keyof typeof COMMANDS;

/** A parsed command line. */
export interface Args {
  command: Command;
  positional: string[];
  dataDir: string;
  json: boolean;
  user?: string;
  /** 0 lists everything. */
  limit: number;
  /** import-legacy: the earlier app's database. */
  from?: string;
  /** import-legacy: decide and report, write nothing. */
  dryRun: boolean;
}

/** The usage text. */
export function usage(): string {
  return `Usage: npm run -s sessions -- <command> --data-dir <dir> [--json]

Commands:
  stats                     counts of users, sessions and audit rows
  list [--user <name>]      sessions, newest activity first (--limit <n>, default 200; 0 = all)
  revoke <sessionId>        end one session
  revoke-user <name>        end every session of one account
  cleanup                   delete expired sessions now
  verify-audit              check the audit chain (keyed rows: order and linkage only,
                            the HMAC key lives in the app's keyring)
  import-legacy --from <file> [--dry-run]
                            import the accounts of an earlier Justice Companion database
                            (its justice.db, read without being changed); the one command
                            that creates the sessions database when there is none. Prints
                            what was imported, already present, conflicting (skipped),
                            malformed (skipped), grandfathered, and how many earlier
                            sessions ended (never imported). --dry-run writes nothing.

Options:
  --data-dir <dir>          the app's data directory (the one holding ${DATA_FILES.database})
  --json                    machine-readable output on stdout (with -s, npm prints nothing else)
  --from <file>             import-legacy: the earlier app's database (in its userData folder)
  --dry-run                 import-legacy: say what would be imported, write nothing
  --help                    this text

Exit codes: 0 done; 1 not found or verification failed (import-legacy: the file is not an
earlier Justice Companion database); 2 usage; 3 no database, a database from a newer app, busy
or disk trouble (import-legacy: the file is missing, unreadable or kept changing).
`;
}

/** Parses the command line; throws {@link CliError} (usage) with a readable message. */
export function parseCliArgs(argv: readonly string[]): Args | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // node:util's messages name the option; cut them short so odd input stays readable.
    throw new CliError(EXIT.usage, (error as Error).message.split('\n')[0]!.slice(0, 200));
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [command, ...positional] = positionals;
  if (command === undefined) throw new CliError(EXIT.usage, 'No command given.');
  if (!Object.hasOwn(COMMANDS, command))
    throw new CliError(EXIT.usage, `Unknown command ${command.slice(0, 40)}`);
  const cmd = command as Command;
  const wants = COMMANDS[cmd].args;
  if (positional.length !== wants.length) {
    throw new CliError(
      EXIT.usage,
      wants.length === 0
        ? `${cmd} takes no arguments`
        : `${cmd} needs exactly one argument (${wants[0]})`,
    );
  }
  if (values['data-dir'] === undefined)
    throw new CliError(EXIT.usage, '--data-dir <dir> is required.');
  if (values.user !== undefined && cmd !== 'list')
    throw new CliError(EXIT.usage, '--user goes with list');
  if ((values.from !== undefined || values['dry-run'] !== undefined) && cmd !== 'import-legacy')
    throw new CliError(EXIT.usage, '--from and --dry-run go with import-legacy');
  if (cmd === 'import-legacy' && (values.from === undefined || values.from === ''))
    throw new CliError(EXIT.usage, 'import-legacy needs --from <file> (the earlier justice.db).');
  const rawLimit = values.limit ?? '200';
  const limit = Number(rawLimit);
  if (!/^\d+$/.test(rawLimit) || !Number.isSafeInteger(limit))
    throw new CliError(EXIT.usage, `--limit must be a whole number, got ${rawLimit.slice(0, 20)}`);
  return {
    command: cmd,
    positional,
    dataDir: values['data-dir'],
    json: values.json === true,
    ...(values.user !== undefined ? { user: values.user } : {}),
    limit,
    ...(values.from !== undefined ? { from: values.from } : {}),
    dryRun: values['dry-run'] === true,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean' },
      user: { type: 'string' },
      limit: { type: 'string' },
      from: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
}
