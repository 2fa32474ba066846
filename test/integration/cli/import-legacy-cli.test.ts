/**
 * `import-legacy`: the one CLI command that may create the sessions database. Its summary and
 * JSON, its exit codes, a second run, a dry run, refused sources, progress for large imports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/core/db/open-database';
import { ManualClock } from '../../helpers/clock';
import { MIGRATIONS_DIR } from '../../helpers/db';
import {
  fileSha256,
  legacyCredentials,
  legacyDb,
  LEGACY_PASSWORD,
  manyLegacyUsers,
} from '../../helpers/legacy-db';
import { PASSWORD, TestProfile } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';
import { cli, spawnCli } from '../../helpers/cli';

const clock = new ManualClock();
const importLegacy = (source: string, dataDir: string, ...more: string[]) =>
  cli(['import-legacy', '--from', source, '--data-dir', dataDir, ...more], {
    clock,
    migrationsDir: MIGRATIONS_DIR,
    busyTimeoutMs: 2000,
  });

function count(dataDir: string, sql: string): number {
  const db = openDatabase(path.join(dataDir, 'sessions.db'), { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

const mixedSource = () =>
  legacyDb({
    users: [
      { id: 1, username: 'ada' },
      { id: 2, username: 'ADA' },
      { id: 3, username: 'Grace Hopper' },
      { id: 4, username: 'broken', hash: 'abc' },
    ],
    sessions: [
      { userId: 1, expiresAt: '2099-01-01 00:00:00' },
      { userId: 1, expiresAt: '2001-01-01 00:00:00' },
    ],
  });

describe('import-legacy', () => {
  it('creates and migrates the database in an empty data directory and prints a summary', async () => {
    const dataDir = tempDir();
    const source = mixedSource();
    const run = await importLegacy(source, dataDir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Imported .*justice\.db \(import #1\):/);
    expect(run.stdout).toMatch(/imported\s+2\s+\(earlier ids kept\)/);
    expect(run.stdout).toMatch(/conflicts, skipped\s+1/);
    expect(run.stdout).toMatch(/malformed rows, skipped\s+1/);
    expect(run.stdout).toMatch(/grandfathered names\s+1/);
    expect(run.stdout).toMatch(/earlier sessions ended\s+2\s+\(1 still live/);
    expect(run.stdout).toContain('Created the sessions database');
    expect(run.stdout).toContain(
      '#2 "ADA": equal but for case to earlier #1 "ada", imported instead (the lowest id wins)',
    );
    expect(run.stdout).toContain('#4 "broken": password_hash is not 128 hexadecimal digits');
    expect(run.stdout).toContain('#3 "Grace Hopper"');
    expect(count(dataDir, 'SELECT count(*) FROM users')).toBe(2);
    expect(count(dataDir, 'SELECT user_version FROM pragma_user_version')).toBe(
      fs.readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql')).length,
    );
    // Never a hash on screen.
    expect(run.stdout).not.toContain(legacyCredentials(LEGACY_PASSWORD).hash);
    expect(run.stdout).not.toContain('$scrypt$');
  });

  it('--json gives every list and the counts', async () => {
    const run = await importLegacy(mixedSource(), tempDir(), '--json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({
      ok: true,
      outcome: 'imported',
      dryRun: false,
      createdDatabase: true,
      idsKept: true,
      counts: {
        imported: 2,
        alreadyPresent: 0,
        conflicts: 1,
        malformed: 1,
        grandfathered: 1,
        oldSessionsEnded: 2,
        oldSessionsLive: 1,
      },
      accounts: [
        {
          oldId: 1,
          newId: 1,
          username: 'ada',
          active: true,
          createdAt: '2025-03-04T05:06:07.000Z',
        },
        { oldId: 3, newId: 3, username: 'Grace Hopper', grandfathered: true },
      ],
      conflicts: [{ oldId: 2, reason: 'case-duplicate', with: { oldId: 1 } }],
      malformed: [{ oldId: 4, username: 'broken' }],
    });
  });

  it('a second run exits 0 and reports 0 imported; so does the same file copied elsewhere', async () => {
    const dataDir = tempDir();
    const source = mixedSource();
    await importLegacy(source, dataDir);
    const rows = count(dataDir, 'SELECT count(*) FROM audit_log');
    const second = await importLegacy(source, dataDir);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Already imported: .* import #1 of /);
    expect(second.stdout).toContain('Nothing was imported (0 accounts)');
    const copy = path.join(tempDir(), 'copy-of-justice.db');
    fs.copyFileSync(source, copy);
    const third = await importLegacy(copy, dataDir, '--json');
    expect(third.code).toBe(0);
    expect(JSON.parse(third.stdout)).toMatchObject({
      outcome: 'already-imported',
      counts: { imported: 0 },
      previousImport: { id: 1, path: source },
    });
    expect(count(dataDir, 'SELECT count(*) FROM audit_log')).toBe(rows);
  });

  it('--dry-run writes nothing, not even a database', async () => {
    const dataDir = tempDir();
    const source = mixedSource();
    const before = fileSha256(source);
    const run = await importLegacy(source, dataDir, '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Dry run: nothing was written\./);
    expect(run.stdout).toContain('the import would create');
    expect(fs.readdirSync(dataDir)).toEqual([]);
    expect(fileSha256(source)).toBe(before);
  });

  it('into a profile with accounts: new ids, listed earlier → here; a taken name is a conflict', async () => {
    const profile = new TestProfile();
    const app = await profile.start();
    await app.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const run = await importLegacy(
      legacyDb({
        users: [
          { id: 1, username: 'Ada' },
          { id: 2, username: 'grace' },
        ],
      }),
      profile.dir,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('#1 "Ada": the name is taken here by account #1 "ada"');
    expect(run.stdout).toContain('New ids (earlier → here):\n  #2 → #2  "grace"');
    // The running app sees the imported account.
    expect(app.accounts.findByUsername('grace')).toMatchObject({ id: 2 });
  });

  it('a refused source exits 1 and leaves nothing behind: garbage, a foreign SQLite file', async () => {
    const dataDir = tempDir();
    const garbage = path.join(tempDir(), 'justice.db');
    fs.writeFileSync(garbage, 'definitely not sqlite\n'.repeat(10));
    const run = await importLegacy(garbage, dataDir);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toContain('is not an SQLite database. Nothing was imported.');
    const json = await importLegacy(garbage, dataDir, '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, problem: 'not-sqlite' });
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it('exit 3 for a missing source or no data directory; exit 2 for usage', async () => {
    const missing = await importLegacy(path.join(tempDir(), 'nope.db'), tempDir());
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('No file at');
    const noDir = await importLegacy(mixedSource(), path.join(tempDir(), 'no-such-dir'));
    expect(noDir.code).toBe(3);
    expect(noDir.stderr).toContain('No data directory');
    expect((await cli(['import-legacy', '--data-dir', tempDir()])).code).toBe(2);
    expect((await cli(['stats', '--dry-run', '--data-dir', tempDir()])).code).toBe(2);
  });

  it('large imports say how far they got on stderr', async () => {
    const run = await importLegacy(legacyDb({ users: manyLegacyUsers(2500) }), tempDir(), '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('import-legacy: read 2,500 accounts and 0 earlier sessions');
    expect(run.stderr).toContain('import-legacy: 2,500 of 2,500 accounts written');
    expect(JSON.parse(run.stdout)).toMatchObject({ counts: { imported: 2500 } });
  });

  it('the help text describes the command (real process)', { timeout: 30_000 }, async () => {
    const run = await spawnCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('import-legacy --from <file> [--dry-run]');
    expect(run.stdout).toContain('--dry-run');
  });
});
