import { spawn } from 'node:child_process';
import path from 'node:path';
import { runCli, type CliOptions } from '../../src/cli/run-cli';
import type { Clock } from '../../src/core/ports';
import { MIGRATIONS_DIR, ROOT } from './paths';

/** The repository root (where `npx tsx` finds its config and `migrations/`). */

/** What one CLI run produced. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process and captures its output. */
export async function cli(argv: string[], options: CliOptions = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(
    argv,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
    options,
  );
  return { code, stdout, stderr };
}

/**
 * The in-process CLI as the maintainer runs it on one data directory: `run('revoke', id)` runs
 * `revoke <id> --data-dir <dir>` on `clock`, with the repository's migrations.
 */
export function cliOn(dir: string, clock: Clock): (...argv: string[]) => Promise<CliRun> {
  return (...argv) => cli([...argv, '--data-dir', dir], { clock, migrationsDir: MIGRATIONS_DIR });
}

/** Runs `tsx src/cli/sessions.ts …` as a real child process (what `npm run sessions` runs). */
export function spawnCli(argv: string[], timeoutMs = 30_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'src/cli/sessions.ts'), ...argv],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}
