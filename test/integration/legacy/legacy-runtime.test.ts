/**
 * An earlier install adopted by the runtime: the `legacyDatabase` option imports at startup
 * (before the restore, once, never stopping startup), imported accounts sign in with their
 * earlier passwords (then hold argon2id), and an earlier `session.enc` is recognised and removed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_FILES } from '../../../src/core/persistence/data-files';
import { legacyCredentials, legacyDb, LEGACY_PASSWORD } from '../../helpers/legacy-db';
import { TestProfile } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';

const WRONG = 'not the earlier password';

function storedHash(profile: TestProfile, username: string): string {
  return profile
    .openDb()
    .prepare('SELECT password_hash FROM users WHERE username = ?')
    .pluck()
    .get(username) as string;
}

function events(
  profile: TestProfile,
  event: string,
): Array<{ seq: number; details: Record<string, unknown> }> {
  return (
    profile
      .openDb()
      .prepare('SELECT seq, details FROM audit_log WHERE event = ? ORDER BY seq')
      .all(event) as Array<{ seq: number; details: string }>
  ).map((row) => ({ seq: row.seq, details: JSON.parse(row.details) as Record<string, unknown> }));
}

async function adopted(users: Parameters<typeof legacyDb>[0]['users']) {
  const source = legacyDb({ users });
  const profile = new TestProfile();
  const runtime = await profile.start({ legacyDatabase: source });
  return { source, profile, runtime };
}

describe('signing in with an imported account', () => {
  it('the earlier password works, and the stored hash is argon2id from then on', async () => {
    const { profile, runtime } = await adopted([{ username: 'ada' }]);
    expect(storedHash(profile, 'ada')).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$/);
    const signedIn = await runtime.invoke('auth:login', {
      username: 'ada',
      password: LEGACY_PASSWORD,
    });
    expect(signedIn).toMatchObject({
      ok: true,
      value: { authenticated: true, user: { id: 1, username: 'ada' } },
    });
    expect(storedHash(profile, 'ada')).toMatch(/^\$argon2id\$/);
    const logged = profile.logger.text();
    expect(logged).not.toContain(LEGACY_PASSWORD);
    expect(logged).not.toContain(legacyCredentials(LEGACY_PASSWORD).hash);
    expect(logged).not.toContain('$scrypt$');
    // And again, now against the argon2id hash.
    await runtime.invoke('auth:logout', {});
    expect(
      await runtime.invoke('auth:login', { username: 'ADA', password: LEGACY_PASSWORD }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('a wrong password is refused and counted, and the scrypt hash stays', async () => {
    const { profile, runtime } = await adopted([{ username: 'ada' }]);
    expect(await runtime.invoke('auth:login', { username: 'ada', password: WRONG })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS', attemptsLeft: 4 },
    });
    expect(storedHash(profile, 'ada')).toMatch(/^\$scrypt\$/);
  });

  it('an inactive account is refused like a wrong password, even with the right one', async () => {
    const { runtime } = await adopted([{ username: 'ada', isActive: 0 }]);
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: LEGACY_PASSWORD }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS' },
    });
  });

  it('names that predate the rules sign in as they are: a space, unicode', async () => {
    const { runtime } = await adopted([
      { username: 'Ada Lovelace', password: 'first earlier passphrase' },
      { username: 'Zoë 李', password: 'second earlier passphrase' },
    ]);
    for (const [username, password] of [
      ['Ada Lovelace', 'first earlier passphrase'],
      ['Zoë 李', 'second earlier passphrase'],
    ] as const) {
      expect(await runtime.invoke('auth:login', { username, password })).toMatchObject({
        ok: true,
        value: { user: { username } },
      });
    }
    // Registration still applies the rules.
    expect(
      await runtime.invoke('auth:register', {
        username: 'Grace Hopper',
        password: 'a new passphrase here',
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('of a case conflict, the account that won signs in; the other was not imported', async () => {
    const { runtime } = await adopted([
      { id: 1, username: 'ada', password: 'the winner passphrase' },
      { id: 2, username: 'ADA', password: 'the loser passphrase' },
    ]);
    expect(
      await runtime.invoke('auth:login', { username: 'Ada', password: 'the winner passphrase' }),
    ).toMatchObject({
      ok: true,
      value: { user: { id: 1, username: 'ada' } },
    });
    await runtime.invoke('auth:logout', {});
    expect(
      await runtime.invoke('auth:login', { username: 'ADA', password: 'the loser passphrase' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS' },
    });
  });
});

describe('the legacyDatabase option', () => {
  it('imports before the restore, once; the keyed audit chain is clean and names every account', async () => {
    const source = legacyDb({ users: [{ username: 'ada' }, { username: 'grace' }] });
    const profile = new TestProfile();
    // An earlier session.enc is there too: its removal is recorded after the import.
    fs.writeFileSync(
      path.join(profile.dir, DATA_FILES.session),
      Buffer.concat([Buffer.from('v11'), crypto.randomBytes(60)]),
    );
    const first = await profile.start({ legacyDatabase: source });
    expect(first.accounts.findByUsername('grace')).toMatchObject({ id: 2 });
    const imported = events(profile, 'legacy-import');
    expect(imported).toHaveLength(3);
    expect(imported[0]!.details).toMatchObject({ by: 'app', imported: 2 });
    const restore = events(profile, 'session-restore-failed');
    expect(restore[0]!.seq).toBeGreaterThan(imported.at(-1)!.seq);
    expect(await first.audit.verify()).toMatchObject({ ok: true, clean: true });
    await first.close();

    const again = await profile.start({ legacyDatabase: source });
    expect(events(profile, 'legacy-import')).toHaveLength(3);
    expect(profile.openDb().prepare('SELECT count(*) FROM legacy_imports').pluck().get()).toBe(1);
    expect(profile.logger.text()).toContain('the profile has accounts');
    await again.close();
  });

  it('a profile in use takes no import at startup, even from a file it never met', async () => {
    const profile = new TestProfile();
    const first = await profile.start();
    await first.invoke('auth:register', { username: 'grace', password: 'a new passphrase here' });
    await first.close();
    const source = legacyDb({ users: [{ username: 'ada' }] });
    const runtime = await profile.start({ legacyDatabase: source });
    expect(runtime.accounts.findByUsername('ada')).toBeNull();
    expect(events(profile, 'legacy-import')).toEqual([]);
    expect(
      profile.logger.lines.some(
        (l) => l.level === 'info' && l.message.includes('the profile has accounts'),
      ),
    ).toBe(true);
  });

  it('an unrecognised source never stops startup: logged, audited, recorded, and not tried again while unchanged', async () => {
    const source = path.join(tempDir(), 'justice.db');
    fs.writeFileSync(source, 'not a database\n'.repeat(100));
    const profile = new TestProfile();
    const runtime = await profile.start({ legacyDatabase: source });
    expect(runtime.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
    const failed = events(profile, 'legacy-import-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]!.details).toMatchObject({ source, problem: 'not-sqlite', transient: false });
    expect(
      profile.logger.lines.some((l) => l.level === 'warn' && l.message.includes('not imported')),
    ).toBe(true);
    await runtime.close();
    await (await profile.start({ legacyDatabase: source })).close();
    expect(events(profile, 'legacy-import-failed')).toHaveLength(1);
    // Changed, it is tried again.
    fs.appendFileSync(source, 'more of the same\n');
    const again = await profile.start({ legacyDatabase: source });
    expect(events(profile, 'legacy-import-failed')).toHaveLength(2);
    expect(
      await again.invoke('auth:register', { username: 'ada', password: 'a new passphrase here' }),
    ).toMatchObject({ ok: true });
  });

  it('a source that cannot be read now never stops startup and is tried again at the next start', async () => {
    const source = path.join(tempDir(), 'justice.db');
    fs.mkdirSync(source); // something at the path that is not a readable file
    const profile = new TestProfile();
    await (await profile.start({ legacyDatabase: source })).close();
    await (await profile.start({ legacyDatabase: source })).close();
    const failed = events(profile, 'legacy-import-failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]!.details).toMatchObject({ transient: true });
  });

  it('no file at the path: nothing happens', async () => {
    const profile = new TestProfile();
    await profile.start({ legacyDatabase: path.join(tempDir(), 'justice.db') });
    expect(events(profile, 'legacy-import-failed')).toEqual([]);
    expect(events(profile, 'legacy-import')).toEqual([]);
  });
});

describe('an earlier session.enc (no header: the bare safeStorage ciphertext of a session id)', () => {
  it.each([
    ['v11', true],
    ['v10', true],
    ['v11', false],
  ])(
    'a %s ciphertext is recognised and removed, audited; the user starts signed out (keyring available: %s)',
    async (tag, available) => {
      const profile = new TestProfile();
      profile.store.available = available;
      const file = path.join(profile.dir, DATA_FILES.session);
      fs.writeFileSync(file, Buffer.concat([Buffer.from(tag), crypto.randomBytes(64)]));
      const runtime = await profile.start();
      expect(runtime.getState()).toMatchObject({ authenticated: false, reason: 'restore-failed' });
      expect(fs.existsSync(file)).toBe(false);
      expect(events(profile, 'session-restore-failed').map((e) => e.details)).toEqual([
        { reason: 'legacy-format', kept: false, file: 'removed' },
      ]);
      expect(profile.store.calls).not.toContain('decrypt');
    },
  );
});
