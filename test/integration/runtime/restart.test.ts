import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../src/core/db/open-database';
import type { FakeSecretStore } from '../../fakes/fake-secret-store';
import { PASSWORD, TestProfile } from '../../helpers/runtime';
import { expectOk } from '../../helpers/expect-ok';

type State = {
  authenticated: boolean;
  reason?: string;
  session?: { id: string; rememberMe: boolean };
  storage: { persistent: boolean; reason?: string };
};

async function signIn(profile: TestProfile, rememberMe: boolean, username = 'ada') {
  const runtime = await profile.start();
  const result = await runtime.invoke('auth:register', {
    username,
    password: PASSWORD,
    rememberMe,
  });
  return { runtime, state: expectOk(result) as State };
}

function sessionEnc(profile: TestProfile): string {
  return path.join(profile.dir, 'session.enc');
}

async function auditEvents(
  profile: TestProfile,
): Promise<Array<{ event: string; details: string }>> {
  const db = openDatabase(path.join(profile.dir, 'sessions.db'));
  const rows = db.prepare('SELECT event, details FROM audit_log ORDER BY seq').all() as Array<{
    event: string;
    details: string;
  }>;
  db.close();
  return rows;
}

describe('restart with "Keep me signed in"', () => {
  it('restores the same session id from session.enc (mode 0600, encrypted)', async () => {
    const profile = new TestProfile();
    const { runtime, state } = await signIn(profile, true);
    expect(state.session?.rememberMe).toBe(true);
    const file = sessionEnc(profile);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    await runtime.close();

    profile.clock.advance(3_600_000);
    const restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({
      authenticated: true,
      user: { username: 'ada' },
      session: { id: state.session!.id },
    });
    expect(await restarted.invoke('auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: true, session: { id: state.session!.id } },
    });
    expect((await auditEvents(profile)).map((e) => e.event)).toContain('session-restored');
  });

  it('does not restore a standard session, and close() ended its row (no phantom)', async () => {
    const profile = new TestProfile();
    const { runtime, state } = await signIn(profile, false);
    expect(fs.existsSync(sessionEnc(profile))).toBe(false);
    await runtime.close();
    const restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
    expect(restarted.sessions.getSessionMetadata(state.session!.id)).toBeNull();
    expect(restarted.sessions.getSessionCount().database).toBe(0);
  });

  it('keeps a remembered session row at quit, and sign-out deletes the file', async () => {
    const profile = new TestProfile();
    const { runtime, state } = await signIn(profile, true);
    await runtime.close();
    const restarted = await profile.start();
    expect(restarted.sessions.getSessionMetadata(state.session!.id)).not.toBeNull();
    await restarted.invoke('auth:logout', {});
    expect(fs.existsSync(sessionEnc(profile))).toBe(false);
  });

  it('a standard sign-in after a remembered one leaves nothing to restore', async () => {
    const profile = new TestProfile();
    const { runtime } = await signIn(profile, true);
    await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD, rememberMe: false });
    expect(fs.existsSync(sessionEnc(profile))).toBe(false);
    await runtime.close();
    expect((await profile.start()).getState()).toMatchObject({ authenticated: false });
  });
});

describe('restore failures: delete the file, audit why, start signed out', () => {
  const cases: Array<{
    name: string;
    reason: string;
    breakIt: (profile: TestProfile, sessionId: string) => void;
    /** The file is too broken to say which session it held. */
    namesNoSession?: boolean;
  }> = [
    {
      name: 'the session was revoked (row missing)',
      reason: 'revoked',
      breakIt: (profile, id) => {
        const db = openDatabase(path.join(profile.dir, 'sessions.db'));
        db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
        db.close();
      },
    },
    {
      name: 'the session expired (30 days)',
      reason: 'expired',
      breakIt: (profile) => profile.clock.advance(30 * 24 * 3_600_000),
    },
    {
      name: 'the session idled out (7 days)',
      reason: 'idle-timeout',
      breakIt: (profile) => profile.clock.advance(7 * 24 * 3_600_000),
    },
    {
      name: 'the user was deactivated',
      reason: 'account-disabled',
      breakIt: (profile) => {
        const db = openDatabase(path.join(profile.dir, 'sessions.db'));
        db.prepare('UPDATE users SET is_active = 0').run();
        db.close();
      },
    },
    {
      name: 'the file is truncated',
      reason: 'restore-failed',
      namesNoSession: true,
      breakIt: (profile) => {
        const file = sessionEnc(profile);
        fs.writeFileSync(file, fs.readFileSync(file).subarray(0, 60));
      },
    },
    {
      name: 'the file is garbage',
      reason: 'restore-failed',
      namesNoSession: true,
      breakIt: (profile) =>
        fs.writeFileSync(sessionEnc(profile), Buffer.from([0, 1, 2, 255, 254, 10, 13])),
    },
    {
      name: 'the file has an unknown format version',
      reason: 'restore-failed',
      breakIt: (profile) => {
        const file = sessionEnc(profile);
        fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"version":1', '"version":9'));
      },
    },
    {
      name: 'the ciphertext was altered',
      reason: 'restore-failed',
      breakIt: (profile) => {
        const file = sessionEnc(profile);
        const [header, body] = fs.readFileSync(file, 'utf8').split('\n');
        const bytes = Buffer.from(body!, 'base64');
        bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
        fs.writeFileSync(file, `${header}\n${bytes.toString('base64')}\n`);
      },
    },
    {
      name: 'the keyring rejects it (decrypt error)',
      reason: 'restore-failed',
      breakIt: (profile) => (profile.store.decryptFailure = 'permanent'),
    },
    {
      name: 'the backend changed and the old key is gone',
      reason: 'storage-changed',
      breakIt: (profile) => {
        profile.store.backend = 'kwallet6';
        profile.store.decryptFailure = 'permanent';
      },
    },
  ];

  for (const c of cases) {
    it(`${c.name} -> ${c.reason}`, async () => {
      const profile = new TestProfile();
      const { runtime, state } = await signIn(profile, true);
      await runtime.close();
      c.breakIt(profile, state.session!.id);

      const restarted = await profile.start();
      expect(restarted.getState()).toMatchObject({ authenticated: false, reason: c.reason });
      expect(fs.existsSync(sessionEnc(profile))).toBe(false);
      const failure = (await auditEvents(profile)).filter(
        (e) => e.event === 'session-restore-failed',
      );
      expect(failure).toHaveLength(1);
      // No new session was minted behind the user's back, and the one the file named is not
      // left listed as live: nobody holds its token any more (a file too broken to name one
      // leaves it to expire).
      const live = restarted.sessions.getUserSessions(1).map((s) => s.id);
      expect(live).toEqual(c.namesNoSession ? [state.session!.id] : []);
      await restarted.close();
      profile.store.decryptFailure = null;
      expect((await profile.start()).getState()).toMatchObject({
        authenticated: false,
        reason: 'not-signed-in',
      });
    });
  }

  it('keeps the file when the keyring is only temporarily unavailable (transient), and restores later', async () => {
    const profile = new TestProfile();
    const { runtime, state } = await signIn(profile, true);
    await runtime.close();

    profile.store.decryptFailure = 'transient';
    let restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
    });
    expect(fs.existsSync(sessionEnc(profile))).toBe(true);
    await restarted.close();

    profile.store.decryptFailure = null;
    profile.store.available = false;
    restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
      storage: { persistent: false, reason: 'unavailable' },
    });
    expect(fs.existsSync(sessionEnc(profile))).toBe(true);
    await restarted.close();

    profile.store.available = true;
    restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({
      authenticated: true,
      session: { id: state.session!.id },
    });
  });

  it('with the keyring unavailable, never asks it to decrypt: a sound file is kept byte for byte, a corrupt one goes', async () => {
    const profile = new TestProfile();
    const { runtime } = await signIn(profile, true);
    await runtime.close();
    const sound = fs.readFileSync(sessionEnc(profile));

    profile.store.available = false;
    profile.store.calls.length = 0;
    let restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ reason: 'storage-unavailable' });
    expect(profile.store.calls).not.toContain('decrypt');
    expect(fs.readFileSync(sessionEnc(profile))).toEqual(sound);
    await restarted.close();

    // Its shape alone says it can never restore, keyring or not.
    fs.writeFileSync(sessionEnc(profile), sound.subarray(0, 60));
    restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ reason: 'restore-failed' });
    expect(fs.existsSync(sessionEnc(profile))).toBe(false);
    expect(profile.store.calls).not.toContain('decrypt');
    await restarted.close();
  });

  it('treats a keyring that hangs as transient: starts signed out within the timeout, keeps the file', async () => {
    const profile = new TestProfile();
    const { runtime } = await signIn(profile, true);
    await runtime.close();
    profile.store.hang = true;
    const restarted = await profile.start({ config: { secretStoreTimeoutMs: 50 } });
    expect(restarted.getState()).toMatchObject({
      authenticated: false,
      storage: { persistent: false },
    });
    expect(fs.existsSync(sessionEnc(profile))).toBe(true);
  });
});

describe('two instances and one session.enc', () => {
  it('a remembered session whose file another instance replaced ends at quit (no phantom)', async () => {
    const profile = new TestProfile();
    const a = await profile.start();
    const b = await profile.start({ device: 'second instance' });
    await a.invoke('auth:register', { username: 'ada', password: PASSWORD, rememberMe: true });
    const aId = (a.getState() as { session: { id: string } }).session.id;
    await b.invoke('auth:login', { username: 'ada', password: PASSWORD, rememberMe: true });
    const bId = (b.getState() as { session: { id: string } }).session.id;
    // b's sign-in overwrote session.enc: a's token now lives only in a's memory.
    await a.close();
    expect(b.sessions.getSessionMetadata(aId)).toBeNull();
    await b.close();
    // b's own file still restores b.
    expect((await profile.start()).getState()).toMatchObject({
      authenticated: true,
      session: { id: bId },
    });
  });
});

describe('a session.enc that cannot be read right now', () => {
  it('is kept (not deleted as corrupt) and restores at the next start', async () => {
    const profile = new TestProfile();
    const { runtime, state } = await signIn(profile, true);
    await runtime.close();
    const realOpen = fs.openSync;
    const spy = vi.spyOn(fs, 'openSync').mockImplementation(((
      file: fs.PathLike,
      ...rest: unknown[]
    ) => {
      if (file === sessionEnc(profile))
        throw Object.assign(new Error('EIO: i/o error, open'), { code: 'EIO' });
      return (realOpen as (...args: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.openSync);
    let restarted;
    try {
      restarted = await profile.start();
    } finally {
      spy.mockRestore();
    }
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'restore-failed' });
    expect(fs.existsSync(sessionEnc(profile))).toBe(true);
    await restarted.close();
    expect((await profile.start()).getState()).toMatchObject({
      authenticated: true,
      session: { id: state.session!.id },
    });
  });
});

describe('no secure storage', () => {
  for (const setup of [
    {
      name: 'unavailable',
      apply: (s: FakeSecretStore) => (s.available = false),
      reason: 'unavailable',
    },
    {
      name: 'basic_text',
      apply: (s: FakeSecretStore) => (s.backend = 'basic_text'),
      reason: 'weak-backend',
    },
    {
      name: 'unknown',
      apply: (s: FakeSecretStore) => (s.backend = 'unknown'),
      reason: 'weak-backend',
    },
  ]) {
    it(`${setup.name}: writes no session.enc, says so, and a restart does not restore`, async () => {
      const profile = new TestProfile();
      setup.apply(profile.store);
      const { runtime, state } = await signIn(profile, true);
      expect(state).toMatchObject({
        authenticated: true,
        session: { rememberMe: false },
        storage: { persistent: false, reason: setup.reason },
      });
      expect(fs.existsSync(sessionEnc(profile))).toBe(false);
      expect(profile.store.plaintexts).toEqual([]);
      await runtime.close();
      const restarted = await profile.start();
      expect(restarted.getState()).toMatchObject({ authenticated: false });
      expect(restarted.sessions.getSessionCount().database).toBe(0);
    });
  }

  it('basic_text with allowWeakSecretStorage persists', async () => {
    const profile = new TestProfile();
    profile.store.backend = 'basic_text';
    const runtime = await profile.start({ config: { allowWeakSecretStorage: true } });
    const result = await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    expect(result).toMatchObject({
      ok: true,
      value: { storage: { persistent: true, backend: 'basic_text' } },
    });
    expect(fs.existsSync(sessionEnc(profile))).toBe(true);
  });

  it('an encryption failure at sign-in keeps the user signed in for this run only', async () => {
    const profile = new TestProfile();
    profile.store.encryptFailure = true;
    const { runtime, state } = await signIn(profile, true);
    expect(state.authenticated).toBe(true);
    expect(fs.existsSync(sessionEnc(profile))).toBe(false);
    expect(fs.readdirSync(profile.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    await runtime.close();
    expect((await profile.start()).getState()).toMatchObject({ authenticated: false });
    expect((await auditEvents(profile)).map((e) => e.event)).toContain('session-persist-failed');
  });
});

describe('storage backend pin', () => {
  it('remembers the backend that wrote, and audits a change', async () => {
    const profile = new TestProfile();
    const { runtime } = await signIn(profile, true);
    await runtime.close();
    expect(
      JSON.parse(fs.readFileSync(path.join(profile.dir, 'secret-storage.json'), 'utf8')),
    ).toEqual({ backend: 'gnome_libsecret' });
    profile.store.backend = 'kwallet6';
    await (await profile.start()).close();
    const changes = (await auditEvents(profile)).filter(
      (e) => e.event === 'storage-backend-changed',
    );
    expect(changes.map((e) => JSON.parse(e.details))).toEqual([
      { from: 'gnome_libsecret', to: 'kwallet6' },
    ]);
  });
});

describe('database from the future', () => {
  it('refuses to start and leaves the database alone', async () => {
    const profile = new TestProfile();
    await (await profile.start()).close();
    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    db.pragma('user_version = 99');
    db.close();
    await expect(profile.start()).rejects.toThrow(/newer version of the app/);
    const check = openDatabase(path.join(profile.dir, 'sessions.db'));
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    check.close();
  });
});
