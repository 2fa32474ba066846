import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../../src/core/audit/audit-log';
import { FakeSecretStore } from '../../fakes/fake-secret-store';
import { migratedDb } from '../../helpers/db';
import { RecordingLogger } from '../../helpers/runtime';
import {
  anchorFile,
  auditRows,
  logWithRows,
  rechainUnkeyed,
  rewriteAnchor,
} from '../../helpers/audit';

function keyFile(dir: string): string {
  return path.join(dir, 'audit-key.enc');
}

function anchorOf(dir: string): { seq: number; mac?: string; checkpoint?: { seq: number } } {
  return JSON.parse(fs.readFileSync(anchorFile(dir), 'utf8')) as ReturnType<typeof anchorOf>;
}

describe('audit key', () => {
  it('is created on first use with secure storage, with a keyed checkpoint in the anchor', async () => {
    const { db, dir } = migratedDb();
    const store = new FakeSecretStore();
    const log = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(log.keyed).toBe(true);
    expect(fs.existsSync(keyFile(dir))).toBe(true);
    expect(store.plaintexts).toHaveLength(1);
    expect(Buffer.from(store.plaintexts[0]!, 'base64')).toHaveLength(32);
    expect(anchorOf(dir)).toMatchObject({
      seq: 0,
      mac: expect.any(String),
      checkpoint: { seq: 0 },
    });
    log.record({ event: 'sign-in' });
    expect(auditRows(db).map((r) => r.keyed)).toEqual([1]);
  });

  it('reopens with the same key from audit-key.enc; a keyring that cannot decrypt it checks linkage only', async () => {
    const { db, dir, store } = await logWithRows(5);
    expect(fs.existsSync(keyFile(dir))).toBe(true);
    const reopened = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(await reopened.verify()).toMatchObject({ ok: true, keyed: true, unverifiedRows: 0 });
    store!.decryptFailure = 'transient';
    const locked = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    locked.record({ event: 'system-event', details: { event: 'resume' } });
    expect(await locked.verify()).toMatchObject({
      ok: true,
      clean: false,
      keyed: false,
      unverifiedRows: 5,
      pending: 1,
      unauthenticated: 6,
      warning: expect.stringMatching(/could not be decrypted now/),
    });
    store!.decryptFailure = null;
    const back = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    // The locked run's row waits for the next keyed one, which vouches for it.
    expect(await back.verify()).toMatchObject({
      ok: true,
      clean: false,
      checked: 6,
      unverifiedRows: 0,
      pending: 1,
    });
    back.record({ event: 'sign-in' });
    expect(await back.verify()).toMatchObject({ ok: true, clean: true, checked: 7 });
  });

  it('is rewritten under the keyring’s current key when the keyring asks; the chain is unchanged', async () => {
    const { db, dir, store } = await logWithRows(3);
    const before = fs.readFileSync(keyFile(dir));
    const reopen = () => AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    // Asked, but the keyring cannot encrypt now: the old file stays, and still opens keyed.
    store!.shouldReEncrypt = true;
    store!.encryptFailure = true;
    expect((await reopen()).keyed).toBe(true);
    expect(fs.readFileSync(keyFile(dir))).toEqual(before);
    store!.encryptFailure = false;
    const rotated = await reopen();
    const after = fs.readFileSync(keyFile(dir));
    expect(after).not.toEqual(before);
    expect(fs.statSync(keyFile(dir)).mode & 0o777).toBe(0o600);
    expect(await rotated.verify()).toMatchObject({
      ok: true,
      clean: true,
      keyed: true,
      checked: 3,
    });
    // Not asked: left alone.
    store!.shouldReEncrypt = false;
    await reopen();
    expect(fs.readFileSync(keyFile(dir))).toEqual(after);
  });

  it('reports a missing key file when keyed rows exist, and does not mint a new key', async () => {
    const { db, dir, store } = await logWithRows(3);
    fs.rmSync(keyFile(dir));
    const reopened = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(fs.existsSync(keyFile(dir))).toBe(false);
    expect(await reopened.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: expect.stringMatching(/key file is missing/),
    });
  });

  it('a key created for a log of unkeyed rows never calls them authenticated, but protects them from then on', async () => {
    const { db, dir } = await logWithRows(3, null);
    const store = new FakeSecretStore();
    const logger = new RecordingLogger();
    const log = await AuditLog.open({ db, dataDir: dir, logger, secretStore: store, secure: true });
    expect(anchorOf(dir)).toMatchObject({ seq: 3, checkpoint: { seq: 3 }, origin: { seq: 3 } });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ rows: 3 }) }),
    );
    log.record({ event: 'sign-in' });
    expect(await log.verify()).toMatchObject({
      ok: true,
      clean: false,
      checked: 4,
      keyed: true,
      beforeKey: 3,
      unauthenticated: 3,
    });
    rewriteAnchor(dir, rechainUnkeyed(db, 2));
    expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
  });

  it('the maintenance CLI (no keyring) says the key is in the app’s keyring, not that there is no secure storage', async () => {
    const { db, dir } = await logWithRows(2);
    const cli = await AuditLog.open({ db, dataDir: dir, secretStore: null });
    expect(await cli.verify()).toMatchObject({
      ok: true,
      clean: false,
      unverifiedRows: 2,
      warning: expect.stringMatching(/app's keyring, which this tool does not use/),
    });
    const unkeyed = await logWithRows(1, null);
    const cliUnkeyed = await AuditLog.open({
      db: unkeyed.db,
      dataDir: unkeyed.dir,
      secretStore: null,
    });
    expect((await cliUnkeyed.verify()).warning).toMatch(/no secure storage/);
  });

  it('without secure storage is neither created nor asked for', async () => {
    const { db, dir } = migratedDb();
    const store = new FakeSecretStore();
    const logger = new RecordingLogger();
    const log = await AuditLog.open({
      db,
      dataDir: dir,
      logger,
      secretStore: store,
      secure: false,
    });
    expect(log.keyed).toBe(false);
    expect(store.calls).toEqual([]);
    expect(fs.existsSync(keyFile(dir))).toBe(false);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: { problem: expect.stringMatching(/no secure storage/) },
      }),
    );
  });

  it('that cannot be encrypted leaves the log unkeyed, with a warning', async () => {
    const { db, dir } = migratedDb();
    const store = new FakeSecretStore();
    store.encryptFailure = true;
    const log = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    log.record({ event: 'sign-in' });
    expect(fs.existsSync(keyFile(dir))).toBe(false);
    expect(auditRows(db).map((r) => r.keyed)).toEqual([0]);
    expect(await log.verify()).toMatchObject({
      ok: true,
      keyed: false,
      warning: expect.stringMatching(/could not be stored/),
    });
  });

  it('that cannot be written leaves the log unkeyed, with a warning', async () => {
    const { db, dir } = migratedDb();
    // A directory in the key file's place makes the atomic rename fail.
    fs.mkdirSync(path.join(keyFile(dir), 'blocker'), { recursive: true });
    const log = await AuditLog.open({
      db,
      dataDir: dir,
      secretStore: new FakeSecretStore(),
      secure: true,
    });
    expect(log.keyed).toBe(false);
    log.record({ event: 'sign-in' });
    expect(await log.verify()).toMatchObject({
      ok: true,
      keyed: false,
      warning: expect.stringMatching(/could not be stored/),
    });
  });

  it('that the keyring rejects for good is left in place, and keyed rows go unverified', async () => {
    const { db, dir, store } = await logWithRows(4);
    const before = fs.readFileSync(keyFile(dir));
    store!.decryptFailure = 'permanent';
    const log = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(fs.readFileSync(keyFile(dir)).equals(before)).toBe(true);
    expect(await log.verify()).toMatchObject({
      ok: true,
      keyed: false,
      unverifiedRows: 4,
      warning: expect.stringMatching(/could not be decrypted/),
    });
  });

  it('that decrypts to something other than a 32-byte key is not used', async () => {
    const { db, dir, store } = await logWithRows(2);
    fs.writeFileSync(keyFile(dir), await store!.encrypt(Buffer.alloc(16).toString('base64')));
    const log = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(log.keyed).toBe(false);
    expect(await log.verify()).toMatchObject({
      unverifiedRows: 2,
      warning: expect.stringMatching(/no valid key/),
    });
  });
});
