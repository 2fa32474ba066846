import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { runCli } from '../../src/cli/run-cli';
import { buildLegacyDb, manyLegacyUsers } from '../helpers/legacy-db-builder';
import { boundFigure, type Figure } from './figures';
import { MIGRATIONS_DIR } from './fixtures';
import { median } from './measure';

const SILENT = { stdout: { write: () => true }, stderr: { write: () => true } };

/**
 * `import-legacy` of an earlier database with `accounts` accounts (and one session each) into an
 * empty data directory, as the CLI runs it: copy and hash the source, read it, create and migrate
 * the sessions database, then one transaction with the accounts, their origins and their audit
 * rows. Hashes are only copied: each is verified (scrypt) at its first sign-in, not here. A
 * fresh data directory per round; the source is built once, with a few real scrypt hashes reused.
 */
export async function legacyImportFigures(options: {
  accounts: number;
  rounds: number;
}): Promise<Figure[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-bench-legacy-'));
  try {
    const source = buildLegacyDb(path.join(root, 'justice.db'), {
      users: manyLegacyUsers(options.accounts),
      sessions: Array.from({ length: options.accounts }, (_, i) => ({
        userId: i + 1,
        expiresAt: '2099-01-01 00:00:00',
      })),
    });
    const rounds: number[] = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const dataDir = fs.mkdtempSync(path.join(root, 'data-'));
      const started = performance.now();
      const code = await runCli(
        ['import-legacy', '--from', source, '--data-dir', dataDir],
        SILENT,
        { migrationsDir: MIGRATIONS_DIR },
      );
      rounds.push(performance.now() - started);
      if (code !== 0) throw new Error(`legacy-import bench: import-legacy exited ${code}`);
    }
    return [
      boundFigure({
        name: `import-legacy, ${options.accounts.toLocaleString('en-US')} accounts into an empty data directory`,
        value: median(rounds),
        unit: 'ms',
        rounds,
        max: 2000,
        detail: `source ${(fs.statSync(source).size / 1024 / 1024).toFixed(1)} MiB; database created and migrated, one transaction`,
      }),
    ];
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
