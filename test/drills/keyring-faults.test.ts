/**
 * Drill: keyring faults as Electron 45 produces them, through the real safeStorage adapter over
 * the faithful `safeStorage` fake (real crypto, one encryptor per process built from what the key
 * store answers at startup): no key store at all, Linux's hard-coded `v10` key, `basic_text`, a
 * locked keyring ("temporarily unavailable") that answers again on a later start, a decrypt
 * error, a backend change, a key store that hangs past the timeout. The runtime always starts,
 * never writes a token in the clear or under the public `v10` key anywhere in the data directory,
 * and ends signed out with the right reason (or keeps session.enc, when the failure may pass).
 * Every token minted is recorded (by wrapping `mintToken`) so the scan looks for the real ones.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createSafeStorageSecretStore } from '../../electron/main/adapters/safe-storage-secret-store';
import type { SessionRuntimeOptions } from '../../src/core/runtime';
import { openDatabase } from '../../src/core/db/open-database';
import { DATA_FILES } from '../../src/core/persistence/data-files';
import { readStoragePin } from '../../src/core/persistence/storage-pin';
import type { AuthState } from '../../src/contract/contract';
import {
  decryptWithHardCodedKey,
  FakeSafeStorage,
  type FakePlatform,
  type KeyringState,
  type LinuxBackendName,
} from '../fakes/electron-safe-storage';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { filesIn, tokenNeedles } from '../helpers/drill-helpers';
import { expectOk } from '../helpers/expect-ok';

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

const SESSION_ENC = DATA_FILES.session;
const lines: string[] = [];
afterAll(() => {
  for (const line of lines) console.log(line);
});

/** One machine's key store across app restarts; every start is a new process. */
class Machine {
  key = crypto.randomBytes(32);
  keyring: KeyringState = 'available';
  selectedBackend: LinuxBackendName = 'gnome_libsecret';
  hang = false;
  constructor(readonly platform: FakePlatform = 'linux') {}

  /** Starts the app on `profile` as a new process on this machine. */
  start(profile: TestProfile, config: SessionRuntimeOptions['config'] = {}) {
    const safeStorage = new FakeSafeStorage({
      platform: this.platform,
      key: this.key,
      keyring: this.keyring,
      selectedBackend: this.selectedBackend,
    });
    safeStorage.hang = this.hang;
    safeStorage.ready = true;
    const secretStore = createSafeStorageSecretStore({
      safeStorage,
      whenReady: () => Promise.resolve(),
      platform: this.platform,
    });
    return profile.start({ secretStore, config });
  }
}

/** The ciphertext a data file holds, if it is one of the encrypted ones. */
function ciphertextOf(name: string, content: Buffer): Buffer | null {
  if (name === DATA_FILES.auditKey) return content;
  if (name !== SESSION_ENC) return null;
  const body = content.toString('utf8').split('\n')[1];
  return body ? Buffer.from(body, 'base64') : null;
}

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
    const ciphertext = ciphertextOf(name, content);
    if (ciphertext && decryptWithHardCodedKey(ciphertext) !== null)
      found.push(`a ciphertext under the public v10 key in ${name}`);
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

async function rememberedSignIn(profile: TestProfile, machine: Machine): Promise<AuthState> {
  const runtime = await machine.start(profile);
  const result = await runtime.invoke('auth:register', {
    username: 'ada',
    password: PASSWORD,
    rememberMe: true,
  });
  const state = expectOk(result);
  scan(profile.dir, 'while running');
  await runtime.close();
  return state;
}

function sessionIdOf(state: AuthState): string {
  return state.authenticated ? state.session.id : 'none';
}

function events(profile: TestProfile): string[] {
  const db = openDatabase(path.join(profile.dir, DATA_FILES.database), { readonly: true });
  const rows = db.prepare('SELECT event FROM audit_log ORDER BY seq').pluck().all() as string[];
  db.close();
  return rows;
}

const sessionFileOf = (profile: TestProfile) => path.join(profile.dir, SESSION_ENC);

describe('drill: keyring faults', () => {
  it('control: the scan finds a token, and a v10 ciphertext, planted in the data directory', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.close();
    const token = minted[minted.length - 1]!;
    fs.writeFileSync(path.join(profile.dir, 'leak.bin'), Buffer.from(token.slice(37), 'base64url'));
    const weak = new FakeSafeStorage({ keyring: 'missing' });
    weak.ready = true;
    fs.writeFileSync(
      path.join(profile.dir, DATA_FILES.auditKey),
      await weak.encryptStringAsync('k'),
    );
    expect(findings(profile.dir).found.sort()).toEqual([
      `a ciphertext under the public v10 key in ${DATA_FILES.auditKey}`,
      'a token in leak.bin',
    ]);
  });

  it('no key store at all (macOS without Keychain access): this run only, nothing persisted', async () => {
    const machine = new Machine('darwin');
    machine.keyring = 'missing';
    const profile = new TestProfile();
    const state = await rememberedSignIn(profile, machine);
    expect(state).toMatchObject({
      authenticated: true,
      session: { rememberMe: false },
      storage: { persistent: false, backend: 'keychain', reason: 'unavailable' },
    });
    expect(fs.existsSync(sessionFileOf(profile))).toBe(false);
    const restarted = await machine.start(profile);
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
    await restarted.close();
    const bytes = scan(profile.dir, 'unavailable');
    lines.push(
      `no key store: started, session kept in memory only, restart signed out (not-signed-in); scanned ${bytes} bytes, no token`,
    );
  });

  it('v10, a GNOME desktop whose keyring does not answer: no secure storage, nothing pinned; an earlier session.enc kept and restored once it answers', async () => {
    const machine = new Machine();
    const profile = new TestProfile();
    const first = await rememberedSignIn(profile, machine);
    const before = fs.readFileSync(sessionFileOf(profile));

    machine.keyring = 'missing';
    const over = await machine.start(profile);
    expect(over.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
      storage: { persistent: false, backend: 'basic_text', reason: 'weak-backend' },
    });
    const again = await over.invoke('auth:login', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    expect(again).toMatchObject({ ok: true, value: { storage: { persistent: false } } });
    await over.close();
    expect(fs.readFileSync(sessionFileOf(profile))).toEqual(before);
    expect(readStoragePin(profile.dir)).toBe('gnome_libsecret');

    machine.keyring = 'available';
    const back = await machine.start(profile);
    expect(back.getState()).toMatchObject({
      authenticated: true,
      session: { id: sessionIdOf(first) },
    });
    await back.close();
    const bytes = scan(profile.dir, 'v10');
    lines.push(
      `keyring v10 (hard-coded key): reported basic_text, nothing written under it, file kept and restored later; scanned ${bytes} bytes, no token`,
    );
  });

  it('basic_text selected: weak when encryption really uses v10, secure when a keyring answers anyway', async () => {
    const machine = new Machine();
    machine.selectedBackend = 'basic_text';
    machine.keyring = 'missing';
    const profile = new TestProfile();
    const state = await rememberedSignIn(profile, machine);
    expect(state).toMatchObject({
      storage: { persistent: false, backend: 'basic_text', reason: 'weak-backend' },
    });
    expect(fs.existsSync(sessionFileOf(profile))).toBe(false);
    expect(fs.existsSync(path.join(profile.dir, DATA_FILES.auditKey))).toBe(false);
    const restarted = await machine.start(profile);
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
    await restarted.close();

    const other = new TestProfile();
    machine.keyring = 'available';
    const secure = await rememberedSignIn(other, machine);
    expect(secure).toMatchObject({ storage: { persistent: true, backend: 'secret_service' } });
    const restored = await machine.start(other);
    expect(restored.getState()).toMatchObject({ session: { id: sessionIdOf(secure) } });
    await restored.close();
    const bytes = scan(profile.dir, 'basic_text') + scan(other.dir, 'basic_text, keyring');
    lines.push(
      `keyring basic_text: no session.enc, no audit key under v10; with a keyring answering anyway, persisted as secret_service; scanned ${bytes} bytes, no token`,
    );
  });

  it('temporarily unavailable (a locked keyring), then available again: the file is kept, the session restores on the next start', async () => {
    const machine = new Machine();
    const profile = new TestProfile();
    const first = await rememberedSignIn(profile, machine);
    const before = fs.readFileSync(sessionFileOf(profile));
    machine.keyring = 'locked';
    const locked = await machine.start(profile);
    expect(locked.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
    });
    await locked.close();
    expect(fs.readFileSync(sessionFileOf(profile))).toEqual(before);
    expect(events(profile)).toContain('session-restore-failed');
    machine.keyring = 'available';
    const unlocked = await machine.start(profile);
    expect(unlocked.getState()).toMatchObject({
      authenticated: true,
      session: { id: sessionIdOf(first) },
    });
    await unlocked.close();
    const bytes = scan(profile.dir, 'locked');
    lines.push(
      `keyring locked ("temporarily unavailable"): signed out (storage-unavailable), file kept byte for byte, restored on the next start; scanned ${bytes} bytes, no token`,
    );
  });

  it('decrypt error (the keyring was reset: same backend, another key): restore-failed, the file removed', async () => {
    const machine = new Machine();
    const profile = new TestProfile();
    await rememberedSignIn(profile, machine);
    machine.key = crypto.randomBytes(32);
    const restarted = await machine.start(profile);
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'restore-failed' });
    expect(fs.existsSync(sessionFileOf(profile))).toBe(false);
    expect(await restarted.audit.verify()).toMatchObject({ ok: true });
    await restarted.close();
    const bytes = scan(profile.dir, 'decrypt error');
    expect(events(profile)).toContain('session-restore-failed');
    lines.push(
      `keyring decrypt error: signed out (restore-failed), session.enc removed, audited; scanned ${bytes} bytes, no token`,
    );
  });

  it('the backend changes between runs: storage-changed when the old key is gone; restored when it still decrypts', async () => {
    const machine = new Machine();
    const profile = new TestProfile();
    await rememberedSignIn(profile, machine);
    machine.selectedBackend = 'kwallet6';
    machine.key = crypto.randomBytes(32);
    const changed = await machine.start(profile);
    expect(changed.getState()).toMatchObject({ authenticated: false, reason: 'storage-changed' });
    expect(fs.existsSync(sessionFileOf(profile))).toBe(false);
    await changed.close();
    expect(events(profile)).toEqual(
      expect.arrayContaining(['storage-backend-changed', 'session-restore-failed']),
    );

    const same = new Machine();
    const other = new TestProfile();
    const first = await rememberedSignIn(other, same);
    same.selectedBackend = 'kwallet6';
    const moved = await same.start(other);
    expect(moved.getState()).toMatchObject({
      authenticated: true,
      session: { id: sessionIdOf(first) },
    });
    await moved.close();
    const bytes =
      scan(profile.dir, 'backend change') + scan(other.dir, 'backend change, decryptable');
    lines.push(
      `keyring backend change: signed out (storage-changed) when undecryptable, restored when decryptable; scanned ${bytes} bytes, no token`,
    );
  });

  it('a key store that hangs past the timeout: startup bounded, the file kept, a remembered sign-in persists nothing; restored once it answers', async () => {
    const machine = new Machine();
    const profile = new TestProfile();
    const first = await rememberedSignIn(profile, machine);
    const before = fs.readFileSync(sessionFileOf(profile));
    machine.hang = true;
    // Bounded: with no timeout, this start would never resolve and the test would time out.
    const hung = await machine.start(profile, { secretStoreTimeoutMs: 100 });
    expect(hung.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
      storage: { persistent: false, reason: 'unavailable' },
    });
    const signIn = await hung.invoke('auth:login', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    expect(signIn).toMatchObject({
      ok: true,
      value: { authenticated: true, session: { rememberMe: false } },
    });
    await hung.close();
    expect(fs.readFileSync(sessionFileOf(profile))).toEqual(before);

    machine.hang = false;
    const answered = await machine.start(profile);
    expect(answered.getState()).toMatchObject({
      authenticated: true,
      session: { id: sessionIdOf(first) },
    });
    await answered.close();
    const bytes = scan(profile.dir, 'hang');
    lines.push(
      `keyring hangs: start ended by the 100 ms timeout (storage-unavailable, file kept), remembered sign-in kept in memory only, restored once it answers; scanned ${bytes} bytes, no token`,
    );
  });

  it('at the port: the store goes away while signed in: the session continues, a new remembered sign-in is not persisted', async () => {
    // Electron's encryptor keeps the key it got at startup; this checks the core against a
    // SecretStore that does lose it.
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
    expect(fs.existsSync(sessionFileOf(profile))).toBe(false);
    const bytes = scan(profile.dir, 'keyring gone');
    await runtime.close();
    lines.push(
      `store goes away mid-run (port level): validation continues, next remembered sign-in kept in memory only; scanned ${bytes} bytes, no token`,
    );
  });
});
