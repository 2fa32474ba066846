import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadMigrations } from '../../../src/core/db/migrate';
import { openDatabase } from '../../../src/core/db/open-database';
import type { SessionRuntime } from '../../../src/core/runtime';
import { tempDir } from '../../helpers/temp-dir';
import { ManualClock } from '../../helpers/clock';
import { MIGRATIONS_DIR } from '../../helpers/db';
import { PASSWORD, TestProfile } from '../../helpers/runtime';
import { SESSION_FIELDS } from '../../helpers/sessions';
import { cli, cliOn, spawnCli, type CliRun } from '../../helpers/cli';
import { expectSignedIn } from '../../helpers/expect-ok';

const HOUR = 3_600_000;

/** A profile with two accounts and a few sessions, made through the real runtime. */
async function populated(clock = new ManualClock()): Promise<{
  profile: TestProfile;
  app: SessionRuntime;
  adaSession: string;
  outputs: CliRun[];
  run: (...argv: string[]) => Promise<CliRun>;
}> {
  const profile = new TestProfile({ clock });
  const app = await profile.start();
  const other = await profile.start({ device: 'second instance' });
  const third = await profile.start({ device: 'third instance' });
  // grace: a standard session in one instance and a remembered one in another.
  await other.invoke('auth:register', { username: 'grace', password: PASSWORD });
  await third.invoke('auth:login', { username: 'grace', password: PASSWORD, rememberMe: true });
  const signedIn = await app.invoke('auth:register', {
    username: 'ada',
    password: PASSWORD,
    rememberMe: true,
  });
  const adaSession = expectSignedIn(signedIn).session.id;
  const outputs: CliRun[] = [];
  const onProfile = cliOn(profile.dir, profile.clock);
  const run = async (...argv: string[]): Promise<CliRun> => {
    const result = await onProfile(...argv);
    outputs.push(result);
    return result;
  };
  return { profile, app, adaSession, outputs, run };
}

function secretsOf(profile: TestProfile): string[] {
  const tokens = profile.store.plaintexts
    .filter((p) => p.startsWith('{'))
    .map((p) => (JSON.parse(p) as { token?: string }).token)
    .filter((t): t is string => typeof t === 'string');
  const db = openDatabase(path.join(profile.dir, 'sessions.db'));
  const hashes = (db.prepare('SELECT secret_hash FROM sessions').pluck().all() as Buffer[]).flatMap(
    (h) => [h.toString('hex'), h.toString('base64'), h.toString('base64url')],
  );
  const phc = db.prepare('SELECT password_hash FROM users').pluck().all() as string[];
  db.close();
  expect(tokens.length).toBeGreaterThan(0);
  expect(hashes.length).toBeGreaterThan(0);
  return [...tokens, ...tokens.map((t) => t.slice(37)), ...hashes, ...phc, '$argon2', PASSWORD];
}

describe('maintenance CLI: refusals', () => {
  it('a missing data directory: exit 3, a clear message, nothing created', async () => {
    const dir = path.join(tempDir(), 'nope');
    const result = await cli(['stats', '--data-dir', dir]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/No data directory/);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('a data directory without a database: exit 3 for every command, and no database created', async () => {
    const dir = tempDir();
    for (const argv of [
      ['stats'],
      ['list'],
      ['revoke', crypto.randomUUID()],
      ['revoke-user', 'ada'],
      ['cleanup'],
      ['verify-audit'],
    ]) {
      const result = await cli([...argv, '--data-dir', dir, '--json']);
      expect(result.code, argv.join(' ')).toBe(3);
      expect(result.stderr).toMatch(/No sessions database/);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: false });
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a database from a newer app: exit 3, says so, and leaves it untouched', async () => {
    const { profile, app, run } = await populated();
    await app.close();
    const file = path.join(profile.dir, 'sessions.db');
    const db = openDatabase(file);
    db.pragma('user_version = 99');
    db.close();
    const before = fs.readFileSync(file);
    for (const command of [['stats'], ['revoke-user', 'ada'], ['cleanup']]) {
      const result = await run(...command);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/newer version of the app/);
    }
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('an empty file where the database should be is refused, not migrated', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'sessions.db'), '');
    const result = await cli(['cleanup', '--data-dir', dir], { migrationsDir: MIGRATIONS_DIR });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/not a sessions database/);
    expect(fs.statSync(path.join(dir, 'sessions.db')).size).toBe(0);
  });

  it('usage errors: exit 2 with the usage text', async () => {
    for (const argv of [
      [],
      ['frobnicate', '--data-dir', '/tmp'],
      ['stats'],
      ['revoke', '--data-dir', '/tmp'],
      ['stats', 'extra', '--data-dir', '/tmp'],
      ['list', '--data-dir'],
      ['list', '--limit', '-3', '--data-dir', '/tmp'],
      ['stats', '--user', 'ada', '--data-dir', '/tmp'],
      ['stats', '--bogus', '--data-dir', '/tmp'],
    ]) {
      const result = await cli(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/Usage: npm run -s sessions/);
    }
    expect((await cli(['--help'])).code).toBe(0);
  });
});

describe('maintenance CLI: commands', () => {
  it('stats and list, human and --json, never printing a token or a hash', async () => {
    const { profile, run, outputs, adaSession } = await populated();
    const stats = await run('stats', '--json');
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({
      ok: true,
      stats: {
        schemaVersion: loadMigrations(MIGRATIONS_DIR).length,
        users: { total: 2, active: 2 },
        sessions: { total: 3, active: 3, remembered: 2 },
      },
    });
    const human = await run('stats');
    expect(human.stdout).toMatch(/sessions\s+3 in the table: 3 active/);

    const list = JSON.parse((await run('list', '--json')).stdout) as {
      total: number;
      sessions: Array<Record<string, unknown>>;
    };
    expect(list.total).toBe(3);
    expect(list.sessions.map((s) => s.username).sort()).toEqual(['ada', 'grace', 'grace']);
    expect(Object.keys(list.sessions[0]!).sort()).toEqual(
      [...SESSION_FIELDS, 'state', 'username'].sort(),
    );
    const ada = await run('list', '--user', 'ADA');
    expect(ada.code).toBe(0);
    expect(ada.stdout).toContain(adaSession);
    expect(ada.stdout).not.toContain('second instance');
    expect((await run('list', '--user', 'nobody')).code).toBe(1);
    const limited = await run('list', '--limit', '1');
    expect(limited.stdout).toMatch(/… 2 more/);

    const everything = JSON.stringify(outputs);
    for (const secret of secretsOf(profile)) expect(everything).not.toContain(secret);
  });

  it('revoke: the session ends, the audit row is unkeyed and by the CLI, and the app chain still verifies', async () => {
    const { profile, app, run, adaSession, outputs } = await populated();
    const result = await run('revoke', adaSession);
    expect(result).toMatchObject({ code: 0, stdout: `Revoked session ${adaSession}.\n` });
    expect(app.sessions.getSessionMetadata(adaSession)).toBeNull();
    expect(await app.invoke('auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: false, reason: 'revoked-by-admin' },
    });
    const again = await run('revoke', adaSession);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/No session/);
    expect((await run('revoke', 'not-a-session-id')).code).toBe(2);

    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    const row = db.prepare("SELECT * FROM audit_log WHERE event = 'session-revoked'").get() as {
      keyed: number;
      details: string;
      session_id: string;
    };
    db.close();
    expect(row).toMatchObject({ keyed: 0, session_id: adaSession });
    expect(JSON.parse(row.details)).toEqual({ by: 'maintenance-cli' });
    expect(await app.audit.verify()).toMatchObject({ ok: true, keyed: true });
    for (const secret of secretsOf(profile)) expect(JSON.stringify(outputs)).not.toContain(secret);
  });

  it('revoke-user ends every session of the account (case-insensitive) and says how many', async () => {
    const { app, run } = await populated();
    const result = await run('revoke-user', 'GRACE', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, revoked: 2 });
    expect((await run('revoke-user', 'nobody')).code).toBe(1);
    const human = await run('revoke-user', 'grace');
    expect(human.stdout).toBe('Revoked 0 sessions of grace.\n');
    expect(app.sessions.getSessionCount().database).toBe(1);
  });

  it('cleanup deletes only expired sessions and records it', async () => {
    const { profile, app, run } = await populated();
    // 13 hours on: grace's standard session (12 h idle) has expired, the remembered ones (7 days) live.
    profile.clock.advance(13 * HOUR);
    const result = await run('cleanup', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, deleted: 1 });
    expect(app.sessions.getSessionCount()).toMatchObject({ database: 2, active: 2 });
    expect((await run('cleanup')).stdout).toMatch(/^Deleted 0 expired sessions/);
    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    const cleanupRows = db
      .prepare("SELECT details FROM audit_log WHERE event = 'cleanup'")
      .pluck()
      .all() as string[];
    db.close();
    expect(cleanupRows.map((d) => JSON.parse(d))).toEqual([{ deleted: 1, by: 'maintenance-cli' }]);
    expect(JSON.parse((await run('verify-audit', '--json')).stdout)).toMatchObject({ ok: true });
  });

  it('verify-audit: OK but not clean on an untouched log (keyed rows: linkage only, said so, and what to do), FAILED with the row on a tampered one', async () => {
    const { profile, app, run } = await populated();
    const human = await run('verify-audit');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(
      /^Audit chain OK, NOT clean: \d+ rows checked, no tampering found/,
    );
    expect(human.stdout).toMatch(
      /whose MAC this tool cannot check \(the audit key is in the app's keyring\)/,
    );
    expect(human.stdout).toMatch(/\nWhat to do: The app authenticates them at every start/);
    const json = await run('verify-audit', '--json');
    expect(json.code).toBe(0);
    const rows = (JSON.parse(json.stdout) as { verification: { checked: number } }).verification
      .checked;
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: true,
      clean: false,
      outcome: 'not-clean',
      verification: { unverifiedRows: rows, unauthenticated: rows, pending: 0, beforeKey: 0 },
      findings: [expect.stringMatching(/order and linkage were checked/)],
      action: expect.any(String),
    });
    // The app, with the keyring, finds the same log clean.
    expect(await app.audit.verify()).toMatchObject({ ok: true, clean: true });
    await app.close();
    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    db.prepare('DELETE FROM audit_log WHERE seq = 2').run();
    db.close();
    const bad = await run('verify-audit', '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({
      ok: false,
      clean: false,
      outcome: 'failed',
      verification: { ok: false, firstBadSeq: 2 },
      action: expect.stringMatching(/treat its events from row 2 on as untrustworthy/),
    });
    expect((await run('verify-audit')).stdout).toMatch(/Audit chain FAILED at row 2/);
  });

  it(
    'cleanup of a large backlog in a real process while the app is open',
    { timeout: 60_000 },
    async () => {
      // On the real clock: the spawned CLI reads the system clock.
      const { profile, app } = await populated(new ManualClock(Date.now()));
      const db = openDatabase(path.join(profile.dir, 'sessions.db'));
      const past = profile.clock.time - 2 * 24 * HOUR;
      db.prepare(
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
       INSERT INTO sessions (id, user_id, secret_hash, created_at, last_active_at, expires_at, idle_expires_at, remember_me, device)
       SELECT lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-a' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
              1, randomblob(32), ?, ?, ?, ?, 0, 'old' FROM n`,
      ).run(past, past, past + HOUR, past + HOUR);
      db.close();
      const result = await spawnCli(['cleanup', '--json', '--data-dir', profile.dir]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, deleted: 100_000 });
      expect(app.sessions.getSessionCount().database).toBe(3);
      expect(await app.invoke('auth:validate', {})).toMatchObject({
        ok: true,
        value: { authenticated: true },
      });
      expect(await app.audit.verify()).toMatchObject({ ok: true });
    },
  );

  it('runs for real as a child process (tsx src/cli/sessions.ts)', async () => {
    const { profile } = await populated();
    const result = await spawnCli(['stats', '--json', '--data-dir', profile.dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      ok: true,
      stats: { sessions: { total: 3 } },
    });
    const missing = await spawnCli(['stats', '--data-dir', path.join(profile.dir, 'missing')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/No data directory/);
  });
});
