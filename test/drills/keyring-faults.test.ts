/**
 * Drill: keyring faults with a faithful fake of safeStorage (real AES-256-GCM, the failure
 * switches a real keyring has): unavailable, `basic_text`, decrypt rejects, locked, hangs past
 * the timeout, backend changes between runs. The runtime always starts, never writes plaintext
 * or an unencrypted token anywhere in the data directory, and ends signed out with the right
 * reason. Every token minted is recorded (by wrapping `mintToken`) so the scan looks for the
 * real ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { AuthState } from '../../src/shared/contract';
import { openDatabase } from '../../src/core/db/open-database';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { filesIn, since, tokenNeedles } from './drill-helpers';

const minted = vi.hoisted(() => [] as string[]);
vi.mock(import('../../src/core/sessions/token'), async (importOriginal) => {
  const original = await importOriginal();
  return {
    ...original,
    mintToken: () => {
      const token = original.mintToken();
      minted.push(token.token);
      return token;
    },
  };
});

const SESSION_ENC = 'session.enc';
const lines: string[] = [];
afterAll(() => {
  for (const line of lines) console.log(line);
});

/** Every place in `dir` where a token minted so far (or the password, or plaintext JSON) appears. */
function findings(dir: string): { found: string[]; bytes: number } {
  const found: string[] = [];
  let bytes = 0;
  for (const [name, content] of filesIn(dir)) {
    bytes += content.length;
    for (const token of minted) {
      if (tokenNeedles(token).some((needle) => content.includes(needle)))
        found.push(`a token in ${name}`);
    }
    if (content.includes(Buffer.from('"token"'))) found.push(`plaintext JSON in ${name}`);
    if (content.includes(Buffer.from(PASSWORD))) found.push(`the password in ${name}`);
    if (name.endsWith('.tmp')) found.push(`a temp file ${name}`);
  }
  return { found, bytes };
}

/** Asserts that nothing secret is at rest in `dir`; returns the bytes scanned. */
function scan(dir: string, label: string): number {
  expect(minted.length, 'tokens were minted').toBeGreaterThan(0);
  const { found, bytes } = findings(dir);
  expect(found, label).toEqual([]);
  return bytes;
}

async function rememberedSignIn(profile: TestProfile, config = {}): Promise<AuthState> {
  const runtime = await profile.start({ config });
  const result = await runtime.invoke('auth:register', {
    username: 'ada',
    password: PASSWORD,
    rememberMe: true,
  });
  if (!result.ok) throw new Error(result.error.message);
  scan(profile.dir, 'while running');
  await runtime.close();
  return result.value as AuthState;
}

function events(profile: TestProfile): string[] {
  const db = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
  const rows = db.prepare('SELECT event FROM audit_log ORDER BY seq').pluck().all() as string[];
  db.close();
  return rows;
}

describe('drill: keyring faults', () => {
  it('control: the scan finds a token planted in the data directory', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.close();
    const token = minted[minted.length - 1]!;
    fs.writeFileSync(path.join(profile.dir, 'leak.bin'), Buffer.from(token.slice(37), 'base64url'));
    expect(findings(profile.dir).found).toEqual(['a token in leak.bin']);
  });

  it('unavailable keyring: signed in for this run only, nothing persisted, signed out after a restart', async () => {
    const profile = new TestProfile();
    profile.store.available = false;
    const state = await rememberedSignIn(profile);
    expect(state).toMatchObject({
      authenticated: true,
      session: { rememberMe: false },
      storage: { persistent: false, reason: 'unavailable' },
    });
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(false);
    const restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
    await restarted.close();
    const bytes = scan(profile.dir, 'unavailable');
    expect(profile.store.plaintexts).toEqual([]);
    lines.push(
      `keyring unavailable: started, session kept in memory only, restart signed out (not-signed-in); scanned ${bytes} bytes, no token`,
    );
  });

  it('basic_text backend: treated as no secure storage', async () => {
    const profile = new TestProfile({ store: new FakeSecretStore(undefined, 'basic_text') });
    const state = await rememberedSignIn(profile);
    expect(state).toMatchObject({ storage: { persistent: false, reason: 'weak-backend' } });
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(false);
    const restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
    await restarted.close();
    const bytes = scan(profile.dir, 'basic_text');
    expect(profile.store.plaintexts).toEqual([]);
    lines.push(
      `keyring basic_text: no session.enc, no audit key, restart signed out (not-signed-in); scanned ${bytes} bytes, no token`,
    );
  });

  it('decrypt rejects (wrong key): signed out with restore-failed, the file removed', async () => {
    const profile = new TestProfile();
    await rememberedSignIn(profile);
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(true);
    profile.store.decryptFailure = 'permanent';
    const restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'restore-failed' });
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(false);
    expect(await restarted.audit.verify()).toMatchObject({ ok: true });
    await restarted.close();
    const bytes = scan(profile.dir, 'decrypt rejects');
    expect(events(profile)).toContain('session-restore-failed');
    lines.push(
      `keyring decrypt rejects: signed out (restore-failed), session.enc removed, audited; scanned ${bytes} bytes, no token`,
    );
  });

  it('locked keyring (transient): signed out with storage-unavailable, the file kept, restored once unlocked', async () => {
    const profile = new TestProfile();
    const first = await rememberedSignIn(profile);
    profile.store.decryptFailure = 'transient';
    const locked = await profile.start();
    expect(locked.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
    });
    await locked.close();
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(true);
    profile.store.decryptFailure = null;
    const unlocked = await profile.start();
    expect(unlocked.getState()).toMatchObject({
      authenticated: true,
      session: { id: first.authenticated ? first.session.id : 'none' },
    });
    await unlocked.close();
    const bytes = scan(profile.dir, 'locked');
    lines.push(
      `keyring locked: signed out (storage-unavailable), file kept, restored after unlock; scanned ${bytes} bytes, no token`,
    );
  });

  it('a keyring that hangs past the timeout: startup is bounded, signed out with storage-unavailable; a hanging encrypt at sign-in persists nothing', async () => {
    const profile = new TestProfile();
    await rememberedSignIn(profile);
    profile.store.hang = true;
    // Bounded: with no timeout, this start would never resolve and the test would time out.
    const hung = await profile.start({ config: { secretStoreTimeoutMs: 100 } });
    expect(hung.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
      storage: { persistent: false },
    });
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(true);
    await hung.close();

    // The keyring answers status() but hangs on encrypt: the sign-in completes, unpersisted.
    profile.store.hang = false;
    const store = profile.store;
    const slowEncrypt = vi.spyOn(store, 'encrypt').mockImplementation(() => new Promise(() => {}));
    const runtime = await profile.start({ config: { secretStoreTimeoutMs: 100 } });
    expect(runtime.getState()).toMatchObject({ authenticated: true });
    const signIn = performance.now();
    const result = await runtime.invoke('auth:login', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    const signInMs = since(signIn);
    expect(result).toMatchObject({ ok: true, value: { authenticated: true } });
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(false);
    await runtime.close();
    slowEncrypt.mockRestore();
    expect(events(profile)).toContain('session-persist-failed');
    const restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
    await restarted.close();
    const bytes = scan(profile.dir, 'hang');
    lines.push(
      `keyring hangs: start ended by the 100 ms timeout (storage-unavailable, file kept); sign-in with a hanging encrypt took ${signInMs} ms, nothing persisted; scanned ${bytes} bytes, no token`,
    );
  });

  it('the backend changes between runs: signed out with storage-changed when the old key is gone; restored when it still decrypts', async () => {
    const profile = new TestProfile();
    await rememberedSignIn(profile);
    profile.store.backend = 'kwallet6';
    profile.store.decryptFailure = 'permanent';
    const changed = await profile.start();
    expect(changed.getState()).toMatchObject({ authenticated: false, reason: 'storage-changed' });
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(false);
    await changed.close();
    expect(events(profile)).toEqual(
      expect.arrayContaining(['storage-backend-changed', 'session-restore-failed']),
    );

    // A second profile where the new backend can still decrypt: the session survives.
    const other = new TestProfile();
    const first = await rememberedSignIn(other);
    other.store.backend = 'kwallet6';
    const moved = await other.start();
    expect(moved.getState()).toMatchObject({
      authenticated: true,
      session: { id: first.authenticated ? first.session.id : 'none' },
    });
    await moved.close();
    const bytes =
      scan(profile.dir, 'backend change') + scan(other.dir, 'backend change, decryptable');
    lines.push(
      `keyring backend change: signed out (storage-changed) when undecryptable, restored when decryptable; scanned ${bytes} bytes, no token`,
    );
  });

  it('the keyring goes away while signed in with a remembered session: the session continues, a new remembered sign-in is not persisted', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    profile.store.available = false;
    expect(await runtime.invoke('auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: true },
    });
    const again = await runtime.invoke('auth:login', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    expect(again).toMatchObject({
      ok: true,
      value: {
        authenticated: true,
        session: { rememberMe: false },
        storage: { persistent: false },
      },
    });
    expect(fs.existsSync(path.join(profile.dir, SESSION_ENC))).toBe(false);
    const bytes = scan(profile.dir, 'keyring gone');
    await runtime.close();
    lines.push(
      `keyring goes away mid-run: validation continues, next remembered sign-in kept in memory only; scanned ${bytes} bytes, no token`,
    );
  });
});
