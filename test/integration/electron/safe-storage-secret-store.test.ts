import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createSafeStorageSecretStore,
  isTemporarySafeStorageError,
  linuxBackendFor,
} from '../../../electron/main/adapters/safe-storage-secret-store';
import { DATA_FILES } from '../../../src/core/persistence/data-files';
import { readStoragePin } from '../../../src/core/persistence/storage-pin';
import { isTransientSecretStoreError, SecretStoreUnavailableError } from '../../../src/core/ports';
import {
  decryptWithHardCodedKey,
  FakeSafeStorage,
  SAFE_STORAGE_MESSAGES,
  type FakeSafeStorageOptions,
} from '../../fakes/electron-safe-storage';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

const SYNC_METHODS = ['isEncryptionAvailable', 'encryptString', 'decryptString'];
const remember = { username: 'ada', password: PASSWORD, rememberMe: true };

/** One app process: a ready safeStorage (its encryptor built on first use) and the adapter. */
function processWith(options: FakeSafeStorageOptions = {}, timeoutMs?: number) {
  const safeStorage = new FakeSafeStorage(options);
  safeStorage.ready = true;
  const store = createSafeStorageSecretStore({
    safeStorage,
    whenReady: () => Promise.resolve(),
    platform: safeStorage.platform,
    timeoutMs,
  });
  return { safeStorage, store };
}

function sessionEnc(profile: TestProfile): { header: Record<string, unknown>; body: Buffer } {
  const [header, body] = fs
    .readFileSync(path.join(profile.dir, DATA_FILES.session), 'utf8')
    .split('\n');
  return {
    header: JSON.parse(header!) as Record<string, unknown>,
    body: Buffer.from(body!, 'base64'),
  };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe.each(['linux', 'darwin', 'win32'] as const)(
  'safeStorage SecretStore on %s',
  (platform) => {
    const backend = { linux: 'gnome_libsecret', darwin: 'keychain', win32: 'dpapi' }[platform];

    it('round-trips a secret with the async API only, never writing it in clear', async () => {
      const { safeStorage, store } = processWith({ platform });
      await expect(store.status()).resolves.toEqual({ available: true, backend });
      const secret = 'a secret worth keeping';
      const ciphertext = await store.encrypt(secret);
      expect(ciphertext.includes(Buffer.from(secret))).toBe(false);
      await expect(store.decrypt(ciphertext)).resolves.toEqual({
        plaintext: secret,
        shouldReEncrypt: false,
      });
      expect(safeStorage.calls.filter((call) => SYNC_METHODS.includes(call))).toEqual([]);
    });

    it('touches nothing before the app is ready, then works', async () => {
      const safeStorage = new FakeSafeStorage({ platform });
      let emitReady!: () => void;
      const readyPromise = new Promise<void>((resolve) => (emitReady = resolve));
      const store = createSafeStorageSecretStore({
        safeStorage,
        whenReady: () => readyPromise,
        platform,
      });
      const status = store.status();
      const encrypted = store.encrypt('early');
      await flush();
      expect(safeStorage.calls).toEqual([]);
      safeStorage.ready = true;
      emitReady();
      await expect(status).resolves.toEqual({ available: true, backend });
      await expect(store.decrypt(await encrypted)).resolves.toMatchObject({ plaintext: 'early' });
    });

    it('fails permanently, with a fixed message, for another key or damaged data', async () => {
      const ciphertext = await processWith({ platform }).store.encrypt('under another key');
      const error = await processWith({ platform })
        .store.decrypt(ciphertext)
        .catch((e: unknown) => e);
      expect(isTransientSecretStoreError(error)).toBe(false);
      expect((error as Error).message).toBe('safeStorage could not decrypt the data');
      const { store } = processWith({ platform });
      const own = await store.encrypt('mine');
      own[own.length - 1] = (own[own.length - 1] ?? 0) ^ 0xff;
      await expect(store.decrypt(own)).rejects.toThrow('could not decrypt');
    });

    it('a locked key store: "temporarily unavailable" is transient, whatever the wording', async () => {
      const key = Buffer.alloc(32, 3);
      const ciphertext = await processWith({ platform, key }).store.encrypt('kept for later');
      const { store } = processWith({ platform, key, keyring: 'locked' });
      const error = await store.decrypt(ciphertext).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SecretStoreUnavailableError);
      expect(isTransientSecretStoreError(error)).toBe(true);
    });
  },
);

describe('safeStorage SecretStore: which key on Linux', () => {
  it('reports basic_text when encryption uses the hard-coded v10 key, though the desktop names a keyring', async () => {
    // A GNOME machine reached over SSH, or a minimal install: no Secret Service answers.
    const { store, safeStorage } = processWith({ keyring: 'missing' });
    expect(safeStorage.getSelectedStorageBackend?.()).toBe('gnome_libsecret');
    expect(await safeStorage.isAsyncEncryptionAvailable()).toBe(true);
    await expect(store.status()).resolves.toEqual({ available: true, backend: 'basic_text' });
  });

  it('reports a keyring when encryption uses a keyring key (v11), though the desktop was not recognised', async () => {
    const { store } = processWith({ selectedBackend: 'basic_text' });
    await expect(store.status()).resolves.toEqual({ available: true, backend: 'secret_service' });
  });

  it('never hands out a v10 ciphertext the core was not told about', async () => {
    const { store } = processWith({ keyring: 'missing' });
    await expect(store.encrypt('a token')).rejects.toThrow(/without a keyring key/);
    // Once status() said the key is weak (the core persists only if weak storage was allowed).
    await store.status();
    const ciphertext = await store.encrypt('a token');
    expect(decryptWithHardCodedKey(ciphertext)).toBe('a token');
  });

  it('names backends by the tag, never by the selection alone', () => {
    expect(linuxBackendFor('kwallet6', 'v11')).toBe('kwallet6');
    expect(linuxBackendFor('gnome_libsecret', 'v11')).toBe('gnome_libsecret');
    expect(linuxBackendFor('basic_text', 'v11')).toBe('secret_service');
    expect(linuxBackendFor('unknown', 'v11')).toBe('secret_service');
    expect(linuxBackendFor('gnome_libsecret', 'v10')).toBe('basic_text');
    expect(linuxBackendFor('kwallet6', 'v12')).toBe('unknown');
  });

  it('a keyring ciphertext while this run has no keyring key is transient (the keyring may be back next start)', async () => {
    const key = Buffer.alloc(32, 4);
    const ciphertext = await processWith({ key }).store.encrypt('kept for later');
    const { store } = processWith({ key, keyring: 'missing' });
    const error = await store.decrypt(ciphertext).catch((e: unknown) => e);
    expect(isTransientSecretStoreError(error)).toBe(true);
  });
});

describe('safeStorage SecretStore: Electron 45 as it is', () => {
  it('never falls back to the deprecated sync API, even where the async one is incomplete', async () => {
    const safeStorage = new FakeSafeStorage();
    safeStorage.ready = true;
    Object.defineProperty(safeStorage, 'decryptStringAsync', { value: undefined });
    const store = createSafeStorageSecretStore({
      safeStorage,
      whenReady: () => Promise.resolve(),
      platform: 'linux',
    });
    await expect(store.status()).resolves.toEqual({ available: false, backend: 'gnome_libsecret' });
    const error = await store.decrypt(Buffer.from('v11xxxx')).catch((e: unknown) => e);
    expect(isTransientSecretStoreError(error)).toBe(true);
    await expect(store.encrypt('x')).rejects.toBeInstanceOf(SecretStoreUnavailableError);
    expect(safeStorage.calls.filter((call) => SYNC_METHODS.includes(call))).toEqual([]);
  });

  it('no usable key (macOS without Keychain access): unavailable, though isAsyncEncryptionAvailable says true', async () => {
    const { store, safeStorage } = processWith({ platform: 'darwin', keyring: 'missing' });
    expect(await safeStorage.isAsyncEncryptionAvailable()).toBe(true);
    await expect(store.status()).resolves.toEqual({ available: false, backend: 'keychain' });
    await expect(store.encrypt('x')).rejects.toBeInstanceOf(SecretStoreUnavailableError);
  });

  it('recognises "temporarily unavailable" by its meaning', () => {
    for (const message of [
      SAFE_STORAGE_MESSAGES.temporarilyUnavailable,
      'safeStorage.decryptStringAsync is Temporarily Unavailable',
      'The key is temporary unavailable.',
      'Keychain locked. Please try again.',
      SAFE_STORAGE_MESSAGES.notReady,
    ])
      expect(isTemporarySafeStorageError(new Error(message)), message).toBe(true);
    for (const message of [
      SAFE_STORAGE_MESSAGES.decryptFailed,
      SAFE_STORAGE_MESSAGES.notABuffer,
      'unavailable',
    ])
      expect(isTemporarySafeStorageError(new Error(message)), message).toBe(false);
  });

  it('passes on shouldReEncrypt: data under the hard-coded key once a keyring key is there', async () => {
    const key = Buffer.alloc(32, 5);
    const weak = processWith({ key, keyring: 'missing' });
    await weak.store.status();
    const old = await weak.store.encrypt('written before the keyring');
    const { store } = processWith({ key });
    await expect(store.decrypt(old)).resolves.toEqual({
      plaintext: 'written before the keyring',
      shouldReEncrypt: true,
    });
  });
});

describe('safeStorage SecretStore on a keyring that hangs', () => {
  it.each(['status', 'encrypt', 'decrypt'] as const)(
    '%s rejects as transient after the timeout',
    async (method) => {
      const key = Buffer.alloc(32, 6);
      const ciphertext = await processWith({ key }).store.encrypt('before the hang');
      vi.useFakeTimers();
      const { safeStorage, store } = processWith({ key }, 5_000);
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
      expect(vi.getTimerCount()).toBe(0);
    },
  );
});

describe('safeStorage SecretStore under the real runtime', () => {
  it('keeps a remembered session across restarts with a working keyring', async () => {
    const key = Buffer.alloc(32, 7);
    const profile = new TestProfile();
    const first = await profile.start({ secretStore: processWith({ key }).store });
    await first.invoke('auth:register', remember);
    await first.close();
    expect(sessionEnc(profile).body.subarray(0, 3).toString()).toBe('v11');
    const second = await profile.start({ secretStore: processWith({ key }).store });
    expect(second.getState()).toMatchObject({ authenticated: true, user: { username: 'ada' } });
  });

  it('a keyring locked at startup keeps session.enc; the session restores on the next start', async () => {
    const key = Buffer.alloc(32, 8);
    const profile = new TestProfile();
    const first = await profile.start({ secretStore: processWith({ key }).store });
    await first.invoke('auth:register', remember);
    await first.close();
    const file = path.join(profile.dir, DATA_FILES.session);
    const before = fs.readFileSync(file);

    const locked = await profile.start({
      secretStore: processWith({ key, keyring: 'locked' }).store,
    });
    expect(locked.getState()).toMatchObject({
      authenticated: false,
      reason: 'storage-unavailable',
    });
    // A remembered sign-in while locked would only have the hard-coded key: kept in memory.
    await locked.invoke('auth:login', remember);
    await locked.close();
    expect(fs.readFileSync(file)).toEqual(before);

    const unlocked = await profile.start({ secretStore: processWith({ key }).store });
    expect(unlocked.getState()).toMatchObject({ authenticated: true, user: { username: 'ada' } });
  });

  it('GNOME without a reachable keyring: nothing persisted under the public key, nothing pinned', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({
      secretStore: processWith({ keyring: 'missing' }).store,
    });
    const result = await runtime.invoke('auth:register', remember);
    expect(result).toMatchObject({
      ok: true,
      value: {
        authenticated: true,
        storage: { persistent: false, backend: 'basic_text', reason: 'weak-backend' },
      },
    });
    await runtime.close();
    expect(fs.existsSync(path.join(profile.dir, DATA_FILES.session))).toBe(false);
    expect(readStoragePin(profile.dir)).toBeNull();
  });

  it('rewrites session.enc under the keyring key when safeStorage says shouldReEncrypt', async () => {
    const key = Buffer.alloc(32, 9);
    const profile = new TestProfile();
    // Weak storage allowed: written under the hard-coded key while there was no keyring.
    const weak = processWith({ key, keyring: 'missing' });
    const first = await profile.start({
      secretStore: weak.store,
      config: { allowWeakSecretStorage: true },
    });
    await first.invoke('auth:register', remember);
    await first.close();
    expect(sessionEnc(profile).body.subarray(0, 3).toString()).toBe('v10');

    const keyring = processWith({ key });
    const second = await profile.start({ secretStore: keyring.store });
    expect(second.getState()).toMatchObject({ authenticated: true, user: { username: 'ada' } });
    await second.close();
    const { header, body } = sessionEnc(profile);
    expect(body.subarray(0, 3).toString()).toBe('v11');
    expect(decryptWithHardCodedKey(body)).toBeNull();
    expect(header).toMatchObject({ backend: 'gnome_libsecret' });
    expect(readStoragePin(profile.dir)).toBe('gnome_libsecret');

    const third = processWith({ key });
    const decrypt = vi.spyOn(third.safeStorage, 'decryptStringAsync');
    const restarted = await profile.start({ secretStore: third.store });
    expect(restarted.getState()).toMatchObject({ authenticated: true });
    const answers = await Promise.all(decrypt.mock.results.map((r) => r.value as Promise<unknown>));
    expect(answers).toContainEqual(expect.objectContaining({ shouldReEncrypt: false }));
  });
});
