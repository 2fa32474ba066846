import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTransientSecretStoreError } from '../../../src/core/ports';
import { createSessionRuntime } from '../../../src/core/runtime';
import {
  PREVIEW_BACKEND,
  PREVIEW_KEY_FILE_NAME,
  PreviewFileKeySecretStore,
} from '../../../src/preview/preview-secret-store';
import type { AuthState } from '../../../src/contract/contract';
import { MIGRATIONS_DIR } from '../../helpers/db';
import { TEST_ARGON2 } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';

const SECRET = '7d4e3c1a-0b9f-4c2d-8e7f-6a5b4c3d2e1f.secret-part-of-a-token';

describe('PreviewFileKeySecretStore, file mode', () => {
  it('reports the preview backend and round-trips with AES-256-GCM', async () => {
    const dir = tempDir('jc-store-');
    const store = new PreviewFileKeySecretStore(dir);
    expect(await store.status()).toEqual({ available: true, backend: PREVIEW_BACKEND });
    const ciphertext = await store.encrypt(SECRET);
    expect(ciphertext.toString('latin1')).not.toContain('secret-part');
    expect(ciphertext.length).toBe(3 + 12 + 16 + Buffer.byteLength(SECRET));
    expect(await store.decrypt(ciphertext)).toEqual({ plaintext: SECRET, shouldReEncrypt: false });
    // Fresh IV every time.
    expect((await store.encrypt(SECRET)).equals(ciphertext)).toBe(false);
  });

  it('keeps a 32-byte key in a 0600 file in the data directory, reused after a restart', async () => {
    const dir = tempDir('jc-store-');
    const ciphertext = await new PreviewFileKeySecretStore(dir).encrypt(SECRET);
    const keyFile = path.join(dir, PREVIEW_KEY_FILE_NAME);
    const stat = fs.statSync(keyFile);
    expect(stat.size).toBe(32);
    if (process.platform !== 'win32') expect(stat.mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const restarted = new PreviewFileKeySecretStore(dir);
    expect((await restarted.decrypt(ciphertext)).plaintext).toBe(SECRET);
  });

  it('two stores on one directory agree on one key', async () => {
    const dir = tempDir('jc-store-');
    const a = new PreviewFileKeySecretStore(dir);
    const b = new PreviewFileKeySecretStore(dir);
    await Promise.all([a.status(), b.status()]);
    expect((await b.decrypt(await a.encrypt(SECRET))).plaintext).toBe(SECRET);
  });

  it('refuses ciphertext from another key or tampered ciphertext, as a permanent failure', async () => {
    const store = new PreviewFileKeySecretStore(tempDir('jc-store-'));
    const other = new PreviewFileKeySecretStore(tempDir('jc-store-'));
    const ciphertext = await store.encrypt(SECRET);
    const fromOther = await other.decrypt(ciphertext).catch((e: unknown) => e);
    expect(fromOther).toBeInstanceOf(Error);
    expect(isTransientSecretStoreError(fromOther)).toBe(false);
    const tampered = Buffer.from(ciphertext);
    const last = tampered.length - 1;
    tampered.writeUInt8(tampered.readUInt8(last) ^ 0x01, last);
    await expect(store.decrypt(tampered)).rejects.toThrow(/decrypting/);
    await expect(store.decrypt(Buffer.from('short'))).rejects.toThrow(/decrypting/);
    await expect(store.decrypt(Buffer.alloc(0))).rejects.toThrow(/decrypting/);
  });

  it('a damaged key file makes the store unavailable (transient), not a crash', async () => {
    const dir = tempDir('jc-store-');
    fs.writeFileSync(path.join(dir, PREVIEW_KEY_FILE_NAME), 'too short');
    const store = new PreviewFileKeySecretStore(dir);
    expect(await store.status()).toEqual({ available: false, backend: PREVIEW_BACKEND });
    const error = await store.decrypt(Buffer.alloc(64)).catch((e: unknown) => e);
    expect(isTransientSecretStoreError(error)).toBe(true);
    await expect(store.encrypt(SECRET)).rejects.toThrow();
  });
});

describe('PreviewFileKeySecretStore, simulated modes', () => {
  it('unavailable: nothing can be encrypted; decrypt fails as transient; no key file', async () => {
    const dir = tempDir('jc-store-');
    const store = new PreviewFileKeySecretStore(dir, 'unavailable');
    expect((await store.status()).available).toBe(false);
    await expect(store.encrypt(SECRET)).rejects.toThrow(/not available/);
    const error = await store.decrypt(Buffer.alloc(64)).catch((e: unknown) => e);
    expect(isTransientSecretStoreError(error)).toBe(true);
    expect(fs.existsSync(path.join(dir, PREVIEW_KEY_FILE_NAME))).toBe(false);
  });

  it('basic_text: available but reports the weak backend, with a public key; no key file', async () => {
    const dir = tempDir('jc-store-');
    const store = new PreviewFileKeySecretStore(dir, 'basic_text');
    expect(await store.status()).toEqual({ available: true, backend: 'basic_text' });
    const ciphertext = await store.encrypt(SECRET);
    // Any other basic_text store can read it: that is what makes it weak.
    expect(
      (await new PreviewFileKeySecretStore(tempDir('jc-store-'), 'basic_text').decrypt(ciphertext))
        .plaintext,
    ).toBe(SECRET);
    expect(fs.existsSync(path.join(dir, PREVIEW_KEY_FILE_NAME))).toBe(false);
  });

  it('rejects an unknown mode', () => {
    expect(() => new PreviewFileKeySecretStore(tempDir(), 'plaintext' as never)).toThrow(
      /Unknown secret store mode/,
    );
  });
});

describe('the session runtime on the preview store', () => {
  const start = (dir: string, mode: 'file' | 'unavailable' | 'basic_text') =>
    createSessionRuntime({
      dataDir: dir,
      secretStore: new PreviewFileKeySecretStore(dir, mode),
      migrationsDir: MIGRATIONS_DIR,
      config: { argon2: TEST_ARGON2 },
      device: 'test',
    });

  it('file: a remembered session survives a restart', async () => {
    const dir = tempDir('jc-store-rt-');
    const first = await start(dir, 'file');
    const signedIn = await first.invoke('auth:register', {
      username: 'alice',
      password: 'correct horse battery staple',
      rememberMe: true,
    });
    expect(signedIn.ok).toBe(true);
    const state = (signedIn as { value: AuthState }).value;
    expect(state.storage).toEqual({ persistent: true, backend: PREVIEW_BACKEND });
    await first.close();
    expect(fs.existsSync(path.join(dir, 'session.enc'))).toBe(true);
    const second = await start(dir, 'file');
    try {
      const restored = second.getState();
      expect(restored.authenticated).toBe(true);
      if (restored.authenticated && state.authenticated)
        expect(restored.session.id).toBe(state.session.id);
    } finally {
      await second.close();
    }
  });

  for (const [mode, reason] of [
    ['unavailable', 'unavailable'],
    ['basic_text', 'weak-backend'],
  ] as const) {
    it(`${mode}: storage is not persistent (${reason}) and nothing is written to session.enc`, async () => {
      const dir = tempDir('jc-store-rt-');
      const runtime = await start(dir, mode);
      try {
        const result = await runtime.invoke('auth:register', {
          username: 'bob',
          password: 'correct horse battery staple',
          rememberMe: true,
        });
        expect(result.ok).toBe(true);
        const state = (result as { value: AuthState }).value;
        expect(state.storage.persistent).toBe(false);
        expect(state.storage.reason).toBe(reason);
        expect(state.authenticated && state.session.rememberMe).toBe(false);
        expect(fs.existsSync(path.join(dir, 'session.enc'))).toBe(false);
      } finally {
        await runtime.close();
      }
    });
  }
});
