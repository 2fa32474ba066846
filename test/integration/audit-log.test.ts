import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, type StoredAuditRow, type AuditEventType } from '../../src/core/audit/audit-log';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { ManualClock } from '../helpers/clock';
import { migratedDb } from '../helpers/db';
import { PASSWORD, TestProfile } from '../helpers/runtime';

async function logWithRows(count: number, store: FakeSecretStore | null = new FakeSecretStore()) {
  const { db, dir } = migratedDb();
  const clock = new ManualClock();
  const log = await AuditLog.open({
    db,
    dataDir: dir,
    clock,
    secretStore: store,
    secure: store !== null,
  });
  for (let i = 1; i <= count; i += 1) {
    clock.advance(1000);
    log.record({ event: 'sign-in', userId: i % 3, sessionId: null, details: { n: i } });
  }
  return { db, dir, clock, log, store };
}

function sha256(text: string): string {
  return crypto.createHash('sha256').update(text).digest('hex');
}

type Row = StoredAuditRow;

/** Rewrites rows from `from` on as unkeyed rows with recomputed SHA-256 hashes, chained anew. */
function rechainUnkeyed(
  db: Db,
  from: number,
  details = '{"note":"forged"}',
): { seq: number; hash: string } {
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(from) as Row[];
  let prev = from === 1 ? '0'.repeat(64) : row(db, from - 1).hash;
  let last = { seq: from - 1, hash: prev };
  for (const r of rows) {
    const d = r.seq === from ? details : r.details;
    const hash = sha256(
      JSON.stringify([r.seq, r.at, r.event, r.user_id, r.session_id, d, 0, prev]),
    );
    db.prepare(
      'UPDATE audit_log SET details = ?, keyed = 0, prev_hash = ?, hash = ? WHERE seq = ?',
    ).run(d, prev, hash, r.seq);
    prev = hash;
    last = { seq: r.seq, hash };
  }
  return last;
}

/** Rewrites the anchor as a writer without the key would: no MAC, the checkpoint copied (or dropped). */
function rewriteAnchor(
  dir: string,
  head: { seq: number; hash: string },
  keepCheckpoint = true,
): void {
  const file = path.join(dir, 'audit-anchor.json');
  const old = JSON.parse(fs.readFileSync(file, 'utf8')) as { checkpoint?: unknown };
  fs.writeFileSync(
    file,
    JSON.stringify({ v: 1, ...head, ...(keepCheckpoint ? { checkpoint: old.checkpoint } : {}) }),
  );
}

function row(db: Db, seq: number): Row {
  return db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as Row;
}

describe('audit chain', () => {
  it('verifies an untouched keyed chain', async () => {
    const { log } = await logWithRows(25);
    expect(await log.verify()).toEqual({ ok: true, checked: 25, keyed: true, unverifiedRows: 0 });
  });

  it('verifies across many chunks (more rows than one verify page)', async () => {
    const { log } = await logWithRows(4500);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 4500 });
  });

  const tampers: Array<{
    name: string;
    firstBadSeq: number;
    tamper: (db: Db, dir: string) => void;
  }> = [
    {
      name: 'an edited field',
      firstBadSeq: 7,
      tamper: (db) => db.prepare(`UPDATE audit_log SET details = '{"n":700}' WHERE seq = 7`).run(),
    },
    {
      name: 'an edited time',
      firstBadSeq: 3,
      tamper: (db) => db.prepare('UPDATE audit_log SET at = at - 1 WHERE seq = 3').run(),
    },
    {
      name: 'an edited event name',
      firstBadSeq: 10,
      tamper: (db) => db.prepare(`UPDATE audit_log SET event = 'sign-out' WHERE seq = 10`).run(),
    },
    {
      name: 'a deleted middle row',
      firstBadSeq: 5,
      tamper: (db) => db.prepare('DELETE FROM audit_log WHERE seq = 5').run(),
    },
    {
      name: 'the first row deleted',
      firstBadSeq: 1,
      tamper: (db) => db.prepare('DELETE FROM audit_log WHERE seq = 1').run(),
    },
    {
      name: 'two rows swapped',
      firstBadSeq: 4,
      tamper: (db) =>
        db.transaction(() => {
          db.prepare('UPDATE audit_log SET seq = 1000 WHERE seq = 4').run();
          db.prepare('UPDATE audit_log SET seq = 4 WHERE seq = 8').run();
          db.prepare('UPDATE audit_log SET seq = 8 WHERE seq = 1000').run();
        })(),
    },
    {
      name: 'rows renumbered to close a gap',
      firstBadSeq: 6,
      tamper: (db) =>
        db.transaction(() => {
          db.prepare('DELETE FROM audit_log WHERE seq = 6').run();
          db.prepare('UPDATE audit_log SET seq = seq + 1000 WHERE seq > 6').run();
          db.prepare('UPDATE audit_log SET seq = seq - 1001 WHERE seq > 1000').run();
        })(),
    },
    {
      name: 'the newest rows dropped',
      firstBadSeq: 18,
      tamper: (db) => db.prepare('DELETE FROM audit_log WHERE seq >= 18').run(),
    },
    {
      name: 'every row dropped',
      firstBadSeq: 1,
      tamper: (db) => db.prepare('DELETE FROM audit_log').run(),
    },
    {
      name: 'an edited row whose unkeyed hash was recomputed',
      firstBadSeq: 9,
      tamper: (db) => {
        const r = row(db, 9);
        const details = '{"n":9,"note":"forged"}';
        const hash = sha256(
          JSON.stringify([
            r.seq,
            r.at,
            r.event,
            r.user_id,
            r.session_id,
            details,
            r.keyed,
            r.prev_hash,
          ]),
        );
        db.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE seq = 9').run(details, hash);
      },
    },
    {
      name: 'an edited row re-chained as unkeyed (downgrade)',
      firstBadSeq: 9,
      tamper: (db) => {
        const r = row(db, 9);
        const details = '{"n":9,"note":"forged"}';
        const hash = sha256(
          JSON.stringify([r.seq, r.at, r.event, r.user_id, r.session_id, details, 0, r.prev_hash]),
        );
        db.prepare('UPDATE audit_log SET details = ?, keyed = 0, hash = ? WHERE seq = 9').run(
          details,
          hash,
        );
      },
    },
    {
      name: 'the newest rows dropped and the anchor rewritten without a key',
      firstBadSeq: 16,
      tamper: (db, dir) => {
        db.prepare('DELETE FROM audit_log WHERE seq >= 16').run();
        const last = row(db, 15);
        fs.writeFileSync(
          path.join(dir, 'audit-anchor.json'),
          JSON.stringify({ v: 1, seq: 15, hash: last.hash, mac: 'f'.repeat(64) }),
        );
      },
    },
    {
      name: 'the keyed tail rewritten as unkeyed rows, the anchor rewritten without a MAC',
      firstBadSeq: 13,
      tamper: (db, dir) => rewriteAnchor(dir, rechainUnkeyed(db, 13)),
    },
    {
      name: 'the keyed tail rewritten as unkeyed rows, the newest dropped, the anchor moved back',
      firstBadSeq: 13,
      tamper: (db, dir) => {
        rechainUnkeyed(db, 13);
        db.prepare('DELETE FROM audit_log WHERE seq = 20').run();
        rewriteAnchor(dir, { seq: 19, hash: row(db, 19).hash });
      },
    },
    {
      name: 'the whole log rewritten as unkeyed rows and the keyed checkpoint dropped',
      firstBadSeq: 1,
      tamper: (db, dir) => rewriteAnchor(dir, rechainUnkeyed(db, 1), false),
    },
  ];

  for (const t of tampers) {
    it(`detects ${t.name} at seq ${t.firstBadSeq}`, async () => {
      const { db, dir, log } = await logWithRows(20);
      t.tamper(db, dir);
      const result = await log.verify();
      expect(result.ok).toBe(false);
      expect(result.firstBadSeq).toBe(t.firstBadSeq);
      expect(result.reason).toEqual(expect.any(String));
    });
  }

  it('detects a deleted anchor file', async () => {
    const { dir, log } = await logWithRows(3);
    fs.rmSync(path.join(dir, 'audit-anchor.json'));
    expect(await log.verify()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/anchor/),
    });
  });

  it('tolerates an anchor that lags behind committed rows (a crash between the two writes)', async () => {
    const { dir, log } = await logWithRows(5);
    const anchorFile = path.join(dir, 'audit-anchor.json');
    const old = fs.readFileSync(anchorFile);
    log.record({ event: 'sign-out', details: { reason: 'signed-out' } });
    fs.writeFileSync(anchorFile, old);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 6 });
  });

  it('without secure storage chains with SHA-256 and says so, still detecting edits', async () => {
    const { db, log } = await logWithRows(10, null);
    const clean = await log.verify();
    expect(clean).toMatchObject({
      ok: true,
      keyed: false,
      warning: expect.stringMatching(/no secure storage/),
    });
    db.prepare(`UPDATE audit_log SET details = '{"n":0}' WHERE seq = 4`).run();
    expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('reopens with the same key from audit-key.enc; a keyring that cannot decrypt it checks linkage only', async () => {
    const { db, dir, store } = await logWithRows(5);
    expect(fs.existsSync(path.join(dir, 'audit-key.enc'))).toBe(true);
    const reopened = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(await reopened.verify()).toMatchObject({ ok: true, keyed: true, unverifiedRows: 0 });
    store!.decryptFailure = 'transient';
    const locked = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    locked.record({ event: 'system-event', details: { event: 'resume' } });
    expect(await locked.verify()).toMatchObject({
      ok: true,
      keyed: false,
      unverifiedRows: 5,
      warning: expect.any(String),
    });
    store!.decryptFailure = null;
    const back = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(await back.verify()).toMatchObject({ ok: true, checked: 6, unverifiedRows: 0 });
  });

  it('reports a missing key file when keyed rows exist, and does not mint a new key', async () => {
    const { db, dir, store } = await logWithRows(3);
    fs.rmSync(path.join(dir, 'audit-key.enc'));
    const reopened = await AuditLog.open({ db, dataDir: dir, secretStore: store, secure: true });
    expect(fs.existsSync(path.join(dir, 'audit-key.enc'))).toBe(false);
    expect(await reopened.verify()).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/key file is missing/),
    });
  });

  it('refuses details that look like secrets', async () => {
    const { log } = await logWithRows(0);
    for (const key of [
      'password',
      'newPassword',
      'token',
      'secretHash',
      'passwordHash',
      'apiKey',
    ]) {
      expect(() => log.record({ event: 'sign-in', details: { [key]: 'x' } })).toThrow(
        /looks like a secret/,
      );
    }
    expect(() => log.record({ event: 'sign-in', details: { nested: {} as never } })).toThrow(
      /scalar/,
    );
  });
});

describe('runtime audit events', () => {
  it('records every session event, with UTC times and no secrets', async () => {
    const profile = new TestProfile();
    let runtime = await profile.start();
    // A second instance on the same profile, started before anything is remembered.
    const b = await profile.start();
    await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    await runtime.invoke('auth:logout', {});
    await runtime.invoke('auth:login', { username: 'ada', password: 'wrong wrong wrong' });
    for (let i = 0; i < 4; i += 1)
      await runtime.invoke('auth:login', { username: 'ada', password: 'wrong wrong wrong' });
    profile.clock.advance(60_000);
    await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD, rememberMe: true });
    await runtime.close();
    await b.invoke('auth:login', { username: 'ada', password: PASSWORD });
    runtime = await profile.start();
    const otherId = (b.getState() as { session: { id: string } }).session.id;
    await runtime.invoke('auth:revoke-session', { sessionId: otherId, password: PASSWORD });
    await runtime.invoke('auth:revoke-other-sessions', {});
    profile.clock.advance(60_000);
    await runtime.invoke('auth:change-password', {
      currentPassword: PASSWORD,
      newPassword: 'another good passphrase',
    });
    profile.clock.advance(30 * 24 * 3_600_000);
    await runtime.invoke('auth:validate', {});
    await runtime.runCleanup();
    await runtime.close();
    await b.close();

    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
    db.close();
    const events = new Set(rows.map((r) => r.event as AuditEventType));
    for (const expected of [
      'account-created',
      'sign-in',
      'sign-out',
      'sign-in-failed',
      'lock-out',
      'session-restored',
      'session-revoked',
      'sessions-revoked',
      'password-changed',
      'session-expired',
    ] as AuditEventType[]) {
      expect(events.has(expected), expected).toBe(true);
    }
    expect(rows.every((r) => Number.isInteger(r.at) && r.at > Date.UTC(2020, 0, 1))).toBe(true);
    const all = JSON.stringify(rows);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('another good passphrase');
    expect(all).not.toContain('wrong wrong wrong');
    expect(all).not.toMatch(/[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}/);
    expect(all).not.toContain('$argon2id$');
  });

  it('verifies at startup and logs the result', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await new Promise((resolve) => setImmediate(resolve));
    await expect
      .poll(() => profile.logger.lines.some((l) => l.message === 'audit log verified'))
      .toBe(true);
    expect(await runtime.audit.verify()).toMatchObject({ ok: true, keyed: true });
  });

  it('a failing chain never stops a sign-in', async () => {
    const profile = new TestProfile();
    let runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.close();
    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    db.prepare('DELETE FROM audit_log WHERE seq = 1').run();
    db.close();
    runtime = await profile.start();
    await expect
      .poll(() => profile.logger.lines.some((l) => l.message === 'audit log verification FAILED'))
      .toBe(true);
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({ ok: true });
  });
});
