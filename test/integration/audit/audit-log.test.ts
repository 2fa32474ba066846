import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, IN_FLIGHT_MS } from '../../../src/core/audit/audit-log';
import { migrate } from '../../../src/core/db/migrate';
import { openDatabase, type Db } from '../../../src/core/db/open-database';
import { SessionManager } from '../../../src/core/sessions/session-manager';
import { FakeSecretStore } from '../../fakes/fake-secret-store';
import { insertUser, MIGRATIONS_DIR } from '../../helpers/db';
import { RecordingLogger } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';
import {
  anchorFile,
  auditRow,
  auditRows,
  logWithRows,
  rechainUnkeyed,
  rewriteAnchor,
  sha256Row,
} from '../../helpers/audit';

/** Opens a {@link logWithRows} log again as the app does (with the keyring), recording its lines. */
async function reopenAsApp({ db, dir, clock, store }: Awaited<ReturnType<typeof logWithRows>>) {
  const logger = new RecordingLogger();
  const log = await AuditLog.open({
    db,
    dataDir: dir,
    clock,
    logger,
    secretStore: store,
    secure: true,
  });
  return { log, logger };
}

describe('audit chain', () => {
  it('verifies an untouched keyed chain', async () => {
    const { log } = await logWithRows(25);
    expect(await log.verify()).toEqual({
      ok: true,
      clean: true,
      checked: 25,
      keyed: true,
      unauthenticated: 0,
      beforeKey: 0,
      pending: 0,
      unverifiedRows: 0,
      unrecordedSessions: 0,
    });
  });

  it('verifies across many chunks (more rows than one verify page)', async () => {
    const { log } = await logWithRows(4500);
    expect(await log.verify()).toMatchObject({ ok: true, clean: true, checked: 4500 });
  });

  it('stores each event as a row chained to the one before it', async () => {
    const { db, clock, log } = await logWithRows(2);
    clock.advance(5000);
    log.record({
      event: 'sign-out',
      userId: 7,
      sessionId: 'abc',
      details: { reason: 'signed-out' },
    });
    const [first, second, third] = auditRows(db);
    expect(third).toMatchObject({
      seq: 3,
      at: clock.time,
      event: 'sign-out',
      user_id: 7,
      session_id: 'abc',
      details: '{"reason":"signed-out"}',
      keyed: 1,
      prev_hash: second!.hash,
    });
    expect(first!.prev_hash).toBe('0'.repeat(64));
    expect(second!.prev_hash).toBe(first!.hash);
    log.record({ event: 'cleanup' });
    expect(auditRow(db, 4)).toMatchObject({ details: '{}', user_id: null, session_id: null });
  });

  /** A tampering that is SQL alone, its statements run in one transaction. */
  const bySql =
    (...statements: string[]) =>
    (db: Db): void =>
      db.transaction(() => {
        for (const statement of statements) db.prepare(statement).run();
      })();

  /**
   * Row 9's details forged and its hash recomputed as plain SHA-256, as a writer without the key
   * would; with `keyed: 0` the row is also marked unkeyed (a downgrade).
   */
  const forgeRow9 =
    (change: { keyed?: 0 } = {}) =>
    (db: Db): void => {
      const r = auditRow(db, 9);
      const forged = { ...r, details: '{"n":9,"note":"forged"}', ...change };
      db.prepare('UPDATE audit_log SET details = ?, keyed = ?, hash = ? WHERE seq = 9').run(
        forged.details,
        forged.keyed,
        sha256Row(forged),
      );
    };

  const tampers: Array<[name: string, firstBadSeq: number, tamper: (db: Db, dir: string) => void]> =
    [
      ['an edited field', 7, bySql(`UPDATE audit_log SET details = '{"n":700}' WHERE seq = 7`)],
      ['an edited time', 3, bySql('UPDATE audit_log SET at = at - 1 WHERE seq = 3')],
      ['an edited event name', 10, bySql(`UPDATE audit_log SET event = 'sign-out' WHERE seq = 10`)],
      ['a deleted middle row', 5, bySql('DELETE FROM audit_log WHERE seq = 5')],
      ['the first row deleted', 1, bySql('DELETE FROM audit_log WHERE seq = 1')],
      [
        'two rows swapped',
        4,
        bySql(
          'UPDATE audit_log SET seq = 1000 WHERE seq = 4',
          'UPDATE audit_log SET seq = 4 WHERE seq = 8',
          'UPDATE audit_log SET seq = 8 WHERE seq = 1000',
        ),
      ],
      [
        'rows renumbered to close a gap',
        6,
        bySql(
          'DELETE FROM audit_log WHERE seq = 6',
          'UPDATE audit_log SET seq = seq + 1000 WHERE seq > 6',
          'UPDATE audit_log SET seq = seq - 1001 WHERE seq > 1000',
        ),
      ],
      ['the newest rows dropped', 18, bySql('DELETE FROM audit_log WHERE seq >= 18')],
      ['every row dropped', 1, bySql('DELETE FROM audit_log')],
      ['an edited row whose unkeyed hash was recomputed', 9, forgeRow9()],
      ['an edited row re-chained as unkeyed (downgrade)', 9, forgeRow9({ keyed: 0 })],
      [
        'the newest rows dropped and the anchor rewritten without a key',
        16,
        (db, dir) => {
          db.prepare('DELETE FROM audit_log WHERE seq >= 16').run();
          const last = auditRow(db, 15);
          fs.writeFileSync(
            anchorFile(dir),
            JSON.stringify({ v: 1, seq: 15, hash: last.hash, mac: 'f'.repeat(64) }),
          );
        },
      ],
      [
        'the keyed tail rewritten as unkeyed rows, the anchor rewritten without a MAC',
        13,
        (db, dir) => rewriteAnchor(dir, rechainUnkeyed(db, 13)),
      ],
      [
        'the keyed tail rewritten as unkeyed rows, the newest dropped, the anchor moved back',
        13,
        (db, dir) => {
          rechainUnkeyed(db, 13);
          db.prepare('DELETE FROM audit_log WHERE seq = 20').run();
          rewriteAnchor(dir, { seq: 19, hash: auditRow(db, 19).hash });
        },
      ],
      [
        'the whole log rewritten as unkeyed rows and the keyed checkpoint dropped',
        1,
        (db, dir) => rewriteAnchor(dir, rechainUnkeyed(db, 1), false),
      ],
    ];

  it.each(tampers)('detects %s at seq %i', async (_name, firstBadSeq, tamper) => {
    const { db, dir, log } = await logWithRows(20);
    tamper(db, dir);
    const result = await log.verify();
    expect(result.ok).toBe(false);
    expect(result.firstBadSeq).toBe(firstBadSeq);
    expect(result.reason).toEqual(expect.any(String));
  });

  it('detects a deleted anchor file, after its last row, and does not recreate it', async () => {
    const { dir, log } = await logWithRows(3);
    fs.rmSync(anchorFile(dir));
    expect(await log.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 4,
      reason: expect.stringMatching(/anchor file is missing/),
    });
    log.record({ event: 'sign-out' });
    expect(fs.existsSync(anchorFile(dir))).toBe(false);
    expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 5 });
  });

  it('a wiped log (every row and the anchor gone, the key kept) fails at row 1, and keeps failing', async () => {
    const world = await logWithRows(5);
    const { db, dir } = world;
    db.prepare('DELETE FROM audit_log').run();
    fs.rmSync(anchorFile(dir));
    const { log: reopened, logger } = await reopenAsApp(world);
    // No fresh genesis anchor: that would hide the wipe.
    expect(fs.existsSync(anchorFile(dir))).toBe(false);
    expect(await reopened.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 1,
      reason: expect.stringMatching(/the log was wiped/),
    });
    reopened.record({ event: 'sign-in' });
    expect(fs.existsSync(anchorFile(dir))).toBe(false);
    expect(await reopened.verify()).toMatchObject({ ok: false });
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'audit log: the anchor is left as it is' }),
    );
  });

  it('a wiped log under a fresh bare anchor fails, and keyed appends never make it pass again', async () => {
    const world = await logWithRows(5);
    const { db, dir } = world;
    db.prepare('DELETE FROM audit_log').run();
    fs.writeFileSync(anchorFile(dir), JSON.stringify({ v: 1, seq: 0, hash: '0'.repeat(64) }));
    const { log: reopened } = await reopenAsApp(world);
    expect(await reopened.verify()).toMatchObject({ ok: false, firstBadSeq: 1 });
    for (let i = 0; i < 3; i += 1) reopened.record({ event: 'sign-in' });
    expect(await reopened.verify()).toMatchObject({
      ok: false,
      reason: 'the chain anchor lost its keyed checkpoint, or it was forged',
    });
  });

  it('reads the chain in one snapshot, while other connections write between its pages', async () => {
    const { dir, log } = await logWithRows(4100);
    const other = openDatabase(path.join(dir, 'sessions.db'));
    // verify() takes its snapshot and reads its first page before it first yields.
    const verifying = log.verify();
    other.prepare('DELETE FROM audit_log WHERE seq = 3000').run();
    other.close();
    log.record({ event: 'sign-out' });
    expect(await verifying).toMatchObject({ ok: true, clean: true, checked: 4100 });
    expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 3000 });
  });

  it('verifies an in-memory database too (in one go: no second connection to read a snapshot on)', async () => {
    const db = openDatabase(':memory:');
    migrate(db, MIGRATIONS_DIR);
    const log = await AuditLog.open({
      db,
      dataDir: tempDir(),
      secretStore: new FakeSecretStore(),
      secure: true,
    });
    for (let i = 0; i < 2500; i += 1) log.record({ event: 'sign-in' });
    expect(await log.verify()).toMatchObject({ ok: true, clean: true, checked: 2500 });
  });

  // Accounts and live sessions are read 5,000 rows at a time: a page that failed to move on would
  // read the first one forever, one that stopped early would miss the rest.
  it('pages through more accounts than one page holds', async () => {
    const { db, clock, log } = await logWithRows(3);
    db.transaction(() => {
      for (let i = 0; i < 12_000; i += 1) insertUser(db, `user-${i}`, clock.time);
    })();
    clock.advance(IN_FLIGHT_MS + 1);
    expect(await log.verify()).toMatchObject({
      ok: false,
      reason: expect.stringContaining('12000 accounts in the database'),
    });
  });

  it('pages through more live sessions than one page holds', async () => {
    const { db, clock, log } = await logWithRows(3);
    const userId = insertUser(db, 'ada', clock.time);
    log.record({ event: 'account-created', userId });
    const sessions = new SessionManager({ db, clock, config: { enableMemoryCache: false } });
    db.transaction(() => {
      for (let i = 0; i < 12_000; i += 1) sessions.createSession({ userId, rememberMe: false });
    })();
    clock.advance(IN_FLIGHT_MS + 1);
    expect(await log.verify()).toMatchObject({
      ok: true,
      clean: false,
      unrecordedSessions: 12_000,
    });
  });

  it('every account needs its account-created event, every live session its sign-in', async () => {
    const { db, clock, log } = await logWithRows(3);
    clock.advance(1000);
    const id = insertUser(db, 'mallory', clock.time);
    // Just created: its event may still be on its way (another process, a sign-in under way).
    expect(await log.verify()).toMatchObject({ ok: true, clean: true });
    clock.advance(IN_FLIGHT_MS + 1);
    expect(await log.verify()).toMatchObject({
      ok: false,
      firstBadSeq: 4,
      reason: expect.stringMatching(
        /an account in the database \(account \d+ first\) has no account-created \(or legacy-import\) event/,
      ),
    });
    log.record({ event: 'account-created', userId: id });
    expect(await log.verify()).toMatchObject({ ok: true, clean: true });

    const sessions = new SessionManager({ db, clock, config: { enableMemoryCache: false } });
    const { session } = sessions.createSession({ userId: id, rememberMe: false });
    clock.advance(IN_FLIGHT_MS + 1);
    expect(await log.verify()).toMatchObject({ ok: true, clean: false, unrecordedSessions: 1 });
    log.record({ event: 'sign-in', userId: id, sessionId: session.id });
    expect(await log.verify()).toMatchObject({ ok: true, clean: true, unrecordedSessions: 0 });
  });

  it('a CLI row after keyed rows is pending until the app appends, which vouches for it (and warns at open)', async () => {
    const world = await logWithRows(3);
    const { db, dir, clock } = world;
    const cliLog = await AuditLog.open({ db, dataDir: dir, clock, secretStore: null });
    cliLog.record({ event: 'cleanup', details: { deleted: 0, by: 'maintenance-cli' } });
    expect(await cliLog.verify()).toMatchObject({
      ok: true,
      clean: false,
      keyed: false,
      pending: 1,
      unverifiedRows: 3,
      unauthenticated: 4,
      warning: expect.stringMatching(/keyring, which this tool does not use/),
    });
    const { log: app, logger } = await reopenAsApp(world);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'audit log: rows written without the audit key will be vouched for',
        fields: expect.objectContaining({ from: 4, to: 4, rows: 1 }),
      }),
    );
    expect(await app.verify()).toMatchObject({ ok: true, clean: false, pending: 1 });
    app.record({ event: 'sign-in' });
    expect(await app.verify()).toMatchObject({ ok: true, clean: true, checked: 5 });
  });

  it('tolerates an anchor that lags behind committed rows (a crash between the two writes)', async () => {
    const { dir, log } = await logWithRows(5);
    const file = anchorFile(dir);
    const old = fs.readFileSync(file);
    log.record({ event: 'sign-out', details: { reason: 'signed-out' } });
    fs.writeFileSync(file, old);
    expect(await log.verify()).toMatchObject({ ok: true, checked: 6 });
  });

  it('without secure storage chains with SHA-256 and says so, still detecting edits', async () => {
    const { db, log } = await logWithRows(10, null);
    const unkeyed = await log.verify();
    expect(unkeyed).toMatchObject({
      ok: true,
      clean: false,
      keyed: false,
      unauthenticated: 10,
      beforeKey: 10,
      warning: expect.stringMatching(/no secure storage/),
    });
    db.prepare(`UPDATE audit_log SET details = '{"n":0}' WHERE seq = 4`).run();
    expect(await log.verify()).toMatchObject({ ok: false, firstBadSeq: 4 });
  });

  it('refuses details that look like secrets, recording nothing', async () => {
    const { db, log } = await logWithRows(0);
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
    expect(auditRows(db)).toEqual([]);
  });
});
