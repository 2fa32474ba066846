/**
 * Child process of the two-process drill: a maintenance script hammering the app's database
 * for a fixed number of rounds: CLI revocations and cleanups (each its own connection, with audit rows),
 * and session writes on a connection of its own. Prints one JSON line with what it did and
 * every failure it saw. Never prints a token.
 *
 * argv: <dataDir> <rounds> <migrationsDir> <username>
 */
import path from 'node:path';
import { runCli } from '../../../src/cli/run-cli';
import { openDatabase } from '../../../src/core/db/open-database';
import { SessionManager } from '../../../src/core/sessions/session-manager';

async function main(): Promise<void> {
  const [dataDir, roundsArg, migrationsDir, username] = process.argv.slice(2);
  if (!dataDir || !roundsArg || !migrationsDir || !username) throw new Error('usage');
  const rounds = Number(roundsArg);
  const failures: string[] = [];
  const counts = { cli: 0, writes: 0 };
  const sink = { write: () => true };
  const errors = {
    write: (text: string) => {
      failures.push(text.trim().slice(0, 200));
      return true;
    },
  };
  const db = openDatabase(path.join(dataDir, 'sessions.db'));
  const sessions = new SessionManager({ db });
  const userId = db
    .prepare('SELECT id FROM users WHERE username = ?')
    .pluck()
    .get(username) as number;
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  for (let round = 0; round < rounds; round += 1) {
    try {
      const created = [0, 1, 2].map(
        () => sessions.createSession({ userId, rememberMe: false }).session.id,
      );
      counts.writes += 3;
      const revoke = await runCli(
        ['revoke', created[0]!, '--data-dir', dataDir],
        { stdout: sink, stderr: errors },
        { migrationsDir },
      );
      const revokeUser = await runCli(
        ['revoke-user', username, '--data-dir', dataDir],
        { stdout: sink, stderr: errors },
        { migrationsDir },
      );
      const cleanup = await runCli(
        ['cleanup', '--data-dir', dataDir],
        { stdout: sink, stderr: errors },
        { migrationsDir },
      );
      counts.cli += 3;
      for (const [name, code] of [
        ['revoke', revoke],
        ['revoke-user', revokeUser],
        ['cleanup', cleanup],
      ] as const) {
        if (code !== 0) failures.push(`${name} exited ${code}`);
      }
    } catch (error) {
      failures.push(
        `${(error as { code?: string }).code ?? ''} ${(error as Error).message}`.slice(0, 200),
      );
    }
  }
  db.close();
  process.stdout.write(`${JSON.stringify({ done: true, counts, failures })}\n`);
}

main().catch((error: unknown) => {
  process.stdout.write(
    `${JSON.stringify({ done: true, counts: null, failures: [String(error)] })}\n`,
  );
  process.exitCode = 1;
});
