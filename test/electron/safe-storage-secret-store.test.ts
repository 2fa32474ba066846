import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSafeStorageSecretStore,
  safeStorageBackend,
  type SafeStorageLike,
} from '../../electron/main/adapters/safe-storage-secret-store';
import { isTransientSecretStoreError, SecretStoreUnavailableError } from '../../src/core/ports';
import { SESSION_FILE_NAME } from '../../src/core/persistence/session-file';
import { FakeAsyncSafeStorage, FakeSafeStorage } from '../fakes/electron-safe-storage';
import { PASSWORD, TestProfile } from '../helpers/runtime';

/** A ready promise the test resolves, like `app.whenReady()`. */
function readiness(safeStorage: FakeSafeStorage): {
  whenReady: () => Promise<void>;
  emitReady: () => void;
} {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return {
    whenReady: () => promise,
    emitReady: () => {
      safeStorage.ready = true;
      resolve();
    },
  };
}

function readyStore(
  safeStorage: FakeSafeStorage,
  platform: NodeJS.Platform = 'linux',
  timeoutMs?: number,
) {
  safeStorage.ready = true;
  return createSafeStorageSecretStore({
    safeStorage,
    whenReady: () => Promise.resolve(),
    platform,
    timeoutMs,
  });
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe.each([
  [
    'async API (Electron 38+)',
    () => new FakeAsyncSafeStorage(),
    ['encryptStringAsync', 'decryptStringAsync'],
    ['encryptString', 'decryptString'],
  ],
  [
    'sync API only',
    () => new FakeSafeStorage(),
    ['encryptString', 'decryptString'],
    ['encryptStringAsync', 'decryptStringAsync'],
  ],
])('safeStorage SecretStore with the %s', (_name, make, used, unused) => {
  it('round-trips a secret through the OS key, never writing it in clear', async () => {
    const safeStorage = make();
    const store = readyStore(safeStorage);
    const secret = 'a secret worth keeping';
    const ciphertext = await store.encrypt(secret);
    expect(ciphertext.includes(Buffer.from(secret))).toBe(false);
    await expect(store.decrypt(ciphertext)).resolves.toBe(secret);
    for (const call of used) expect(safeStorage.calls).toContain(call);
    for (const call of unused) expect(safeStorage.calls).not.toContain(call);
  });

  it('touches nothing before the app is ready, then works', async () => {
    const safeStorage = make();
    const { whenReady, emitReady } = readiness(safeStorage);
    const store = createSafeStorageSecretStore({ safeStorage, whenReady, platform: 'linux' });
    const status = store.status();
    const encrypted = store.encrypt('early');
    await flush();
    expect(safeStorage.calls).toEqual([]);
    emitReady();
    await expect(status).resolves.toEqual({ available: true, backend: 'gnome_libsecret' });
    await expect(store.decrypt(await encrypted)).resolves.toBe('early');
  });

  it('reports a missing keyring and refuses to encrypt or decrypt, as a transient failure', async () => {
    const safeStorage = make();
    const store = readyStore(safeStorage);
    const ciphertext = await store.encrypt('kept for later');
    safeStorage.available = false;
    await expect(store.status()).resolves.toEqual({ available: false, backend: 'gnome_libsecret' });
    const encryptError = await store.encrypt('x').catch((error: unknown) => error);
    expect(encryptError).toBeInstanceOf(SecretStoreUnavailableError);
    const decryptError = await store.decrypt(ciphertext).catch((error: unknown) => error);
    expect(isTransientSecretStoreError(decryptError)).toBe(true);
    expect(safeStorage.calls.filter((c) => c.startsWith('encrypt'))).toHaveLength(1);
  });

  it('reports basic_text as the backend, for the core to treat as no secure storage', async () => {
    const safeStorage = make();
    safeStorage.backend = 'basic_text';
    await expect(readyStore(safeStorage).status()).resolves.toEqual({
      available: true,
      backend: 'basic_text',
    });
  });

  it('fails permanently, with a fixed message, when decryption throws (another key, damaged data)', async () => {
    const writer = readyStore(make());
    const ciphertext = await writer.encrypt('written under another key');
    const reader = readyStore(make());
    const error = await reader.decrypt(ciphertext).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isTransientSecretStoreError(error)).toBe(false);
    expect((error as Error).message).toBe('safeStorage could not decrypt the data');
    const damaged = Buffer.from(ciphertext);
    damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 0xff;
    await expect(readyStore(make()).decrypt(damaged)).rejects.toThrow('could not decrypt');
  });
});

describe('safeStorage SecretStore backend names', () => {
  it('asks safeStorage on Linux and uses the one OS store elsewhere', () => {
    const safeStorage = new FakeSafeStorage(undefined, 'kwallet6');
    safeStorage.ready = true;
    expect(safeStorageBackend(safeStorage, 'linux')).toBe('kwallet6');
    expect(safeStorageBackend(safeStorage, 'darwin')).toBe('keychain');
    expect(safeStorageBackend(safeStorage, 'win32')).toBe('dpapi');
    expect(safeStorageBackend(safeStorage, 'freebsd')).toBe('unknown');
    const without: SafeStorageLike = {
      isEncryptionAvailable: () => true,
      encryptString: () => Buffer.alloc(1),
      decryptString: () => '',
    };
    expect(safeStorageBackend(without, 'linux')).toBe('unknown');
  });
});

describe('safeStorage SecretStore on a keyring that hangs', () => {
  it.each(['status', 'encrypt', 'decrypt'] as const)(
    '%s rejects as transient after the timeout',
    async (method) => {
      vi.useFakeTimers();
      const safeStorage = new FakeAsyncSafeStorage();
      const store = readyStore(safeStorage, 'linux', 5_000);
      const ciphertext = await store.encrypt('before the hang');
      // A call that answered leaves no timer behind.
      expect(vi.getTimerCount()).toBe(0);
      safeStorage.hang = true;
      const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
      const call =
        method === 'status'
          ? store.status()
          : method === 'encrypt'
            ? store.encrypt('x')
            : store.decrypt(ciphertext);
      const outcome = call.then(
        () => 'resolved',
        (error: unknown) => error,
      );
      // The timer is unref'd: a hung keyring never keeps the process alive at quit.
      const timer = setTimeoutSpy.mock.results[0]?.value as { hasRef(): boolean };
      expect(timer.hasRef()).toBe(false);
      await vi.advanceTimersByTimeAsync(4_999);
      let settled = false;
      void outcome.then(() => (settled = true));
      await Promise.resolve();
      expect(settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      const error = await outcome;
      expect(error).toBeInstanceOf(SecretStoreUnavailableError);
      expect(isTransientSecretStoreError(error)).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
    },
  );
});

describe('safeStorage SecretStore under the real runtime', () => {
  const remember = { username: 'ada', password: PASSWORD, rememberMe: true };

  it('keeps a remembered session across restarts with a working keyring', async () => {
    const key = Buffer.alloc(32, 7);
    const profile = new TestProfile();
    const first = await profile.start({ secretStore: readyStore(new FakeAsyncSafeStorage(key)) });
    await first.invoke('auth:register', remember);
    await first.close();
    expect(fs.existsSync(path.join(profile.dir, SESSION_FILE_NAME))).toBe(true);
    const second = await profile.start({ secretStore: readyStore(new FakeAsyncSafeStorage(key)) });
    expect(second.getState()).toMatchObject({ authenticated: true, user: { username: 'ada' } });
  });

  it('starts signed out and keeps session.enc when the keyring hangs, then restores once it answers', async () => {
    const key = Buffer.alloc(32, 9);
    const profile = new TestProfile();
    const first = await profile.start({ secretStore: readyStore(new FakeAsyncSafeStorage(key)) });
    await first.invoke('auth:register', remember);
    await first.close();
    const file = path.join(profile.dir, SESSION_FILE_NAME);
    const before = fs.readFileSync(file);

    const hung = new FakeAsyncSafeStorage(key);
    hung.hang = true;
    // Injected short timeouts instead of waiting out the 10 s defaults.
    const second = await profile.start({
      secretStore: readyStore(hung, 'linux', 20),
      config: { secretStoreTimeoutMs: 40 },
    });
    expect(second.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
    });
    await second.invoke('auth:login', remember);
    await second.close();
    expect(fs.readFileSync(file)).toEqual(before);

    const third = await profile.start({ secretStore: readyStore(new FakeAsyncSafeStorage(key)) });
    expect(third.getState()).toMatchObject({ authenticated: true, user: { username: 'ada' } });
  });

  it('never writes session.enc under basic_text, and says why', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({
      secretStore: readyStore(new FakeAsyncSafeStorage(undefined, 'basic_text')),
    });
    const result = await runtime.invoke('auth:register', remember);
    expect(result).toMatchObject({
      ok: true,
      value: {
        authenticated: true,
        storage: { persistent: false, backend: 'basic_text', reason: 'weak-backend' },
      },
    });
    expect(fs.existsSync(path.join(profile.dir, SESSION_FILE_NAME))).toBe(false);
  });

  it('starts signed out with no secure storage when the keyring is unavailable, writing nothing', async () => {
    const safeStorage = new FakeSafeStorage();
    safeStorage.available = false;
    const profile = new TestProfile();
    const runtime = await profile.start({ secretStore: readyStore(safeStorage) });
    const result = await runtime.invoke('auth:register', remember);
    expect(result).toMatchObject({
      ok: true,
      value: { storage: { persistent: false, reason: 'unavailable' } },
    });
    expect(fs.existsSync(path.join(profile.dir, SESSION_FILE_NAME))).toBe(false);
    expect(safeStorage.calls).not.toContain('encryptString');
  });
});
