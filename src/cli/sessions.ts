/**
 * `npm run sessions -- <command> --data-dir <dir> [--json]`: the maintenance CLI (see
 * `run-cli.ts` for the commands and `usage()` for the text it prints).
 */
import { runCli } from './run-cli';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // runCli never rejects; this is a last resort that still prints nothing secret.
    process.stderr.write(`Unexpected failure: ${error instanceof Error ? error.name : 'error'}\n`);
    process.exitCode = 3;
  },
);
