/**
 * Drill: tamper with a realistic audit log, one produced by the runtime (keyed rows) with the
 * maintenance CLI's unkeyed rows in between, and by a profile without secure storage (every row
 * unkeyed). Every tampering must be detected with the right `firstBadSeq`; every case of the
 * threat model (docs/security-model.md) is detected with the right `firstBadSeq` or
 * `unauthenticated` count, and the cases out of reach behave as documented.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anchorMac, checkpointMac, rowHash } from '../../src/core/audit/audit-chain';
import { AuditLog } from '../../src/core/audit/audit-log';
import type { AuditVerification, StoredAuditRow } from '../../src/core/audit/audit-types';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { auditRow, auditRows, rewriteAnchor, sha256Row } from '../helpers/audit';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { tempDir } from '../helpers/temp-dir';
import { cliOn } from '../helpers/cli';

const MINUTE = 60_000;

type Row = StoredAuditRow;

/** Produces a log through the runtime and the CLI; returns the profile (closed). */
async function realisticLog(store: FakeSecretStore): Promise<TestProfile> {
  const profile = new TestProfile({ store });
  const maintenance = cliOn(profile.dir, profile.clock);
  const a = await profile.start();
  const b = await profile.start({ device: 'second instance' });
  await a.invoke('auth:register', { username: 'ada', password: PASSWORD, rememberMe: true });
  await b.invoke('auth:register', { username: 'grace', password: PASSWORD });
  for (let i = 0; i < 6; i += 1)
    await a.invoke('auth:login', { username: 'ada', password: 'not the password!' });
  profile.clock.advance(31 * MINUTE);
  await a.invoke('auth:login', { username: 'ada', password: PASSWORD, rememberMe: true });
  const c = await profile.start({ device: 'third instance' });
  await c.invoke('auth:login', { username: 'ada', password: PASSWORD });
  const third = c.getState();
  if (!third.authenticated) throw new Error('third instance not signed in');
  await a.invoke('auth:revoke-session', { sessionId: third.session.id, password: PASSWORD });
  await c.invoke('auth:login', { username: 'ada', password: PASSWORD });
  const again = c.getState();
  if (!again.authenticated) throw new Error('third instance not signed in');
  // The CLI: two rows in a row (unkeyed, unkeyed), then the app again (keyed).
  expect((await maintenance('revoke', again.session.id)).code).toBe(0);
  expect((await maintenance('revoke-user', 'grace')).code).toBe(0);
  await a.invoke('auth:change-password', {
    currentPassword: PASSWORD,
    newPassword: 'a new passphrase for ada',
  });
  expect((await maintenance('revoke-user', 'grace')).code).toBe(0);
  profile.clock.advance(13 * 60 * MINUTE);
  await a.invoke('auth:validate', {});
  await a.runCleanup();
  await a.invoke('auth:logout', {});
  await a.invoke('auth:login', { username: 'ada', password: 'a new passphrase for ada' });
  await a.invoke('auth:logout', {});
  for (const runtime of [a, b, c]) await runtime.close();
  return profile;
}

/** A copy of the profile's files (database, anchor, key) to tamper with. */
function copyOf(profile: TestProfile): string {
  const dir = tempDir('jc-tamper-');
  for (const name of fs.readdirSync(profile.dir))
    fs.copyFileSync(path.join(profile.dir, name), path.join(dir, name));
  return dir;
}

interface Tamper {
  name: string;
  /** Changes the copy; returns the seq that must be reported first. */
  apply(db: Db, dir: string, all: Row[]): number;
}

function editDetails(db: Db, seq: number, details: string, rehash: 'none' | 'sha256'): void {
  const r = auditRow(db, seq);
  expect(details, 'the edit must change something').not.toBe(r.details);
  const edited = { ...r, details };
  const hash = rehash === 'sha256' ? sha256Row(edited) : r.hash;
  db.prepare('UPDATE audit_log SET details = ?, hash = ? WHERE seq = ?').run(details, hash, seq);
}

function dropNewest(db: Db, count: number, all: Row[]): number {
  const first = all[all.length - count]!.seq;
  db.prepare('DELETE FROM audit_log WHERE seq >= ?').run(first);
  return first;
}

/** An unkeyed row (the CLI's) whose successor is `successorKeyed`. */
function unkeyedFollowedBy(all: Row[], successorKeyed: 0 | 1): Row {
  for (let i = 1; i < all.length - 1; i += 1) {
    if (all[i]!.keyed === 0 && all[i + 1]!.keyed === successorKeyed) return all[i]!;
  }
  throw new Error(`no unkeyed row followed by keyed=${successorKeyed}`);
}

/** A tampering of one row, the one `pick` chooses: that row is the first to be reported. */
function onRow(
  name: string,
  pick: (all: Row[]) => Row,
  change: (db: Db, target: Row) => void,
): Tamper {
  return {
    name,
    apply: (db, _dir, all) => {
      const target = pick(all);
      change(db, target);
      return target.seq;
    },
  };
}

function deleteRow(db: Db, target: Row): void {
  db.prepare('DELETE FROM audit_log WHERE seq = ?').run(target.seq);
}

/** Swaps the rows at indexes `i` and `j` (of the untouched log) by renumbering them. */
function swapRows(i: number, j: number): Tamper {
  return {
    name: 'swap two rows',
    apply: (db, _dir, all) => {
      const [a, b] = [all[i]!.seq, all[j]!.seq];
      db.transaction(() => {
        db.prepare('UPDATE audit_log SET seq = 1000000 WHERE seq = ?').run(a);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(a, b);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = 1000000').run(b);
      })();
      return a;
    },
  };
}

const KEYED_LOG_TAMPERS: Tamper[] = [
  onRow(
    'edit a field of a keyed (app) row',
    (all) => all[Math.floor(all.length / 3)]!,
    (db, target) => {
      expect(target.keyed).toBe(1);
      db.prepare('UPDATE audit_log SET user_id = 999 WHERE seq = ?').run(target.seq);
    },
  ),
  onRow(
    'edit a field of an unkeyed (CLI) row',
    (all) => unkeyedFollowedBy(all, 1),
    (db, target) => editDetails(db, target.seq, '{"by":"someone else"}', 'none'),
  ),
  onRow('delete a middle row', (all) => all[Math.floor(all.length / 2)]!, deleteRow),
  swapRows(5, 11),
  {
    name: 'swap the contents of two adjacent rows, keeping their seq',
    apply: (db, _dir, all) => {
      const [x, y] = [all[8]!, all[9]!];
      const set = db.prepare(
        'UPDATE audit_log SET at = ?, event = ?, user_id = ?, session_id = ?, details = ?, keyed = ?, prev_hash = ?, hash = ? WHERE seq = ?',
      );
      db.transaction(() => {
        set.run(
          y.at,
          y.event,
          y.user_id,
          y.session_id,
          y.details,
          y.keyed,
          y.prev_hash,
          y.hash,
          x.seq,
        );
        set.run(
          x.at,
          x.event,
          x.user_id,
          x.session_id,
          x.details,
          x.keyed,
          x.prev_hash,
          x.hash,
          y.seq,
        );
      })();
      return x.seq;
    },
  },
  { name: 'drop the newest 3 rows', apply: (db, _dir, all) => dropNewest(db, 3, all) },
  {
    name: 'drop the newest 2 rows and rewrite the anchor without a MAC',
    apply: (db, dir, all) => {
      const first = dropNewest(db, 2, all);
      const last = all[all.length - 3]!;
      expect(last.keyed).toBe(1);
      rewriteAnchor(dir, { seq: last.seq, hash: last.hash }, false);
      return first;
    },
  },
  onRow(
    'rewrite a vouched CLI row (the next row is keyed) with a recomputed unkeyed hash',
    (all) => unkeyedFollowedBy(all, 1),
    (db, target) => editDetails(db, target.seq, '{"count":7,"by":"maintenance-cli"}', 'sha256'),
  ),
  onRow(
    'recompute the unkeyed hash of an edited unkeyed row (next row unkeyed too)',
    (all) => unkeyedFollowedBy(all, 0),
    (db, target) => editDetails(db, target.seq, '{"by":"nobody"}', 'sha256'),
  ),
  onRow(
    'rewrite the prev_hash of an unkeyed row after a keyed one, hash recomputed',
    (all) => all.find((r, k) => r.keyed === 0 && all[k - 1]?.keyed === 1)!,
    (db, target) => {
      const edited = { ...target, prev_hash: 'f'.repeat(64) };
      db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(
        edited.prev_hash,
        sha256Row(edited),
        target.seq,
      );
    },
  ),
  onRow(
    'downgrade an edited keyed row to unkeyed with a recomputed hash',
    (all) => all.find((r, i) => r.keyed === 1 && i > 3 && all[i + 1]?.keyed === 1)!,
    (db, target) => {
      const edited = { ...target, details: '{"reason":"signed-out"}', keyed: 0 };
      db.prepare('UPDATE audit_log SET details = ?, keyed = 0, hash = ? WHERE seq = ?').run(
        edited.details,
        sha256Row(edited),
        target.seq,
      );
    },
  ),
];

const UNKEYED_LOG_TAMPERS: Tamper[] = [
  onRow(
    'edit a field',
    (all) => all[4]!,
    (db, target) =>
      db.prepare("UPDATE audit_log SET event = 'sign-out' WHERE seq = ?").run(target.seq),
  ),
  onRow('delete a middle row', (all) => all[7]!, deleteRow),
  swapRows(3, 6),
  { name: 'drop the newest 2 rows', apply: (db, _dir, all) => dropNewest(db, 2, all) },
  onRow(
    'recompute the unkeyed hash of an edited row',
    (all) => all[5]!,
    (db, target) =>
      editDetails(db, target.seq, '{"context":"sign-in","outcome":"ok","failures":0}', 'sha256'),
  ),
];

async function runTampers(
  profile: TestProfile,
  tampers: Tamper[],
  label: string,
): Promise<string[]> {
  const lines: string[] = [];
  const original = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
  const all = auditRows(original);
  original.close();
  for (const tamper of tampers) {
    const dir = copyOf(profile);
    const { db, log } = await openCopy(profile, dir);
    // Untouched, the copy verifies (so a failure below is the tampering's doing): clean when
    // keyed (the CLI's rows are vouched for by the app's later ones), never clean otherwise.
    expect(await log.verify(), `${label}: untouched copy`).toMatchObject({
      ok: true,
      clean: label === 'keyed',
      checked: all.length,
      unauthenticated: label === 'keyed' ? 0 : all.length,
    });
    const expected = tamper.apply(db, dir, all);
    const result = await log.verify();
    db.close();
    expect(result, `${label}: ${tamper.name}`).toMatchObject({ ok: false, firstBadSeq: expected });
    expect(result.reason).toEqual(expect.any(String));
    lines.push(
      `audit tamper (${label}): ${tamper.name} -> detected at seq ${result.firstBadSeq} (${result.reason})`,
    );
  }
  return lines;
}

describe('drill: audit tampering on a realistic log', () => {
  it('keyed app rows with unkeyed CLI rows in between: every tampering found at the right row', async () => {
    const profile = await realisticLog(new FakeSecretStore());
    const db = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
    const all = auditRows(db);
    db.close();
    const keyed = all.filter((r) => r.keyed === 1).length;
    expect(keyed).toBeGreaterThan(15);
    expect(all.length - keyed).toBe(3);
    const lines = await runTampers(profile, KEYED_LOG_TAMPERS, 'keyed');
    console.log(
      `audit tamper: a log of ${all.length} rows (${keyed} keyed, ${all.length - keyed} from the CLI)`,
    );
    for (const line of lines) console.log(line);
  });

  it('a profile without secure storage (every row unkeyed): every tampering found at the right row', async () => {
    const profile = await realisticLog(new FakeSecretStore(undefined, 'basic_text'));
    const db = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
    const all = auditRows(db);
    db.close();
    expect(all.every((r) => r.keyed === 0)).toBe(true);
    const lines = await runTampers(profile, UNKEYED_LOG_TAMPERS, 'unkeyed');
    console.log(`audit tamper: an unkeyed log of ${all.length} rows`);
    for (const line of lines) console.log(line);
  });
});

/** Ada's password at the end of the realistic log (its password change is refused: signed out by then). */
const ADA_PASSWORD = PASSWORD;
const ANCHOR = 'audit-anchor.json';
const KEY_FILE = 'audit-key.enc';

/** The same profile (keyring and clock) on another data directory, to run the app on a copy. */
function profileOn(profile: TestProfile, dir: string): TestProfile {
  return new TestProfile({ dir, clock: profile.clock, store: profile.store });
}

/**
 * Opens a copy's database and its log as the app would: with the keyring, secure unless the
 * keyring is the plain-text one (a profile without secure storage).
 */
async function openCopy(profile: TestProfile, dir: string): Promise<{ db: Db; log: AuditLog }> {
  const db = openDatabase(path.join(dir, 'sessions.db'));
  const log = await AuditLog.open({
    db,
    dataDir: dir,
    clock: profile.clock,
    secretStore: profile.store,
    secure: profile.store.backend !== 'basic_text',
  });
  return { db, log };
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/** What a writer without the key leaves: a bare head, the checkpoint and origin copied (or not). */
function bareAnchor(dir: string, head: { seq: number; hash: string }, keepMarks = true): void {
  const old = readJson(path.join(dir, ANCHOR));
  const marks = keepMarks ? { checkpoint: old.checkpoint, origin: old.origin } : {};
  fs.writeFileSync(path.join(dir, ANCHOR), JSON.stringify({ v: 1, ...head, ...marks }));
}

/** Rewrites the whole log as unkeyed rows (only those `keep` keeps), renumbered and re-chained. */
function rechainAll(db: Db, keep: (r: Row) => boolean): { seq: number; hash: string } {
  const kept = auditRows(db).filter(keep);
  let head = { seq: 0, hash: '0'.repeat(64) };
  const insert = db.prepare(
    `INSERT INTO audit_log (seq, at, event, user_id, session_id, details, keyed, prev_hash, hash)
     VALUES (@seq, @at, @event, @user_id, @session_id, @details, @keyed, @prev_hash, @hash)`,
  );
  db.transaction(() => {
    db.prepare('DELETE FROM audit_log').run();
    for (const r of kept) {
      const row = { ...r, seq: head.seq + 1, keyed: 0, prev_hash: head.hash };
      row.hash = sha256Row(row);
      insert.run(row);
      head = { seq: row.seq, hash: row.hash };
    }
  })();
  return head;
}

/** Appends an unkeyed row with a correct SHA-256 link, as a forger without the key would. */
function forgeUnkeyed(db: Db, fields: Partial<Row>): Row {
  const last = auditRows(db).at(-1)!;
  const row: Row = {
    seq: last.seq + 1,
    at: last.at + 1000,
    event: 'sign-in',
    user_id: null,
    session_id: null,
    details: '{}',
    keyed: 0,
    prev_hash: last.hash,
    hash: '',
    ...fields,
  };
  row.hash = sha256Row(row);
  db.prepare(
    `INSERT INTO audit_log (seq, at, event, user_id, session_id, details, keyed, prev_hash, hash)
     VALUES (@seq, @at, @event, @user_id, @session_id, @details, @keyed, @prev_hash, @hash)`,
  ).run(row);
  return row;
}

function userId(db: Db, name: string): number {
  return db.prepare('SELECT id FROM users WHERE username = ?').pluck().get(name) as number;
}

describe('drill: the threat model (the data directory writable, the keyring out of reach)', () => {
  it('wipe: every row and the anchor deleted, the key kept: failed at row 1, also after the app ran again', async () => {
    const profile = await realisticLog(new FakeSecretStore());
    for (const what of ['rows and anchor', 'rows only'] as const) {
      const dir = copyOf(profile);
      const db = openDatabase(path.join(dir, 'sessions.db'));
      db.prepare('DELETE FROM audit_log').run();
      db.close();
      if (what === 'rows and anchor') fs.rmSync(path.join(dir, ANCHOR));
      const copy = profileOn(profile, dir);
      const app = await copy.start();
      expect(
        await app.invoke('auth:login', { username: 'ada', password: ADA_PASSWORD }),
      ).toMatchObject({ ok: true });
      const result = await app.audit.verify();
      expect(result, what).toMatchObject({ ok: false, clean: false, firstBadSeq: 1 });
      await expect
        .poll(() => copy.logger.lines.some((l) => l.message === 'audit log verification FAILED'))
        .toBe(true);
      // Still signed in: a failing chain stops nobody.
      expect(app.getState().authenticated).toBe(true);
      console.log(`audit threat model: wipe (${what}) -> failed at row 1 (${result.reason})`);
    }
  });

  it('rewrite: the log re-chained as unkeyed rows (failed sign-ins dropped), the key file deleted: every row unauthenticated, never clean', async () => {
    const profile = await realisticLog(new FakeSecretStore());
    const dir = copyOf(profile);
    const db = openDatabase(path.join(dir, 'sessions.db'));
    const dropped = ['sign-in-failed', 'lock-out'];
    const head = rechainAll(db, (r) => !dropped.includes(r.event));
    db.close();
    bareAnchor(dir, head, false);
    fs.rmSync(path.join(dir, KEY_FILE));
    // The next start cannot tell this from a profile that never had secure storage: it creates a
    // key, whose origin is the forged head, so none of those rows ever counts as authenticated.
    const copy = profileOn(profile, dir);
    const app = await copy.start();
    await app.invoke('auth:login', { username: 'ada', password: ADA_PASSWORD });
    const result = await app.audit.verify();
    expect(result).toMatchObject({
      ok: true,
      clean: false,
      keyed: true,
      beforeKey: head.seq,
      unauthenticated: head.seq,
    });
    await expect
      .poll(() => copy.logger.lines.some((l) => l.message === 'audit log verified, NOT clean'))
      .toBe(true);
    console.log(
      `audit threat model: rewrite with the key file deleted -> ok but NOT clean, ${result.unauthenticated} rows unauthenticated (before the key)`,
    );
  });

  it('forged unkeyed tail: a sign-in appended with a correct SHA-256 link, or the CLI’s tail row rewritten: pending, never clean', async () => {
    const profile = await realisticLog(new FakeSecretStore());
    // A forged sign-in, the anchor moved onto it as the keyless CLI would move it.
    const dir = copyOf(profile);
    const { db, log } = await openCopy(profile, dir);
    const forged = forgeUnkeyed(db, {
      user_id: userId(db, 'ada'),
      session_id: crypto.randomUUID(),
      details: '{"rememberMe":false,"persisted":false}',
    });
    bareAnchor(dir, forged);
    expect(await log.verify()).toMatchObject({
      ok: true,
      clean: false,
      pending: 1,
      unauthenticated: 1,
    });
    db.close();
    const fromCli = await cliOn(dir, profile.clock)('verify-audit', '--json');
    expect(fromCli.code).toBe(0);
    expect(JSON.parse(fromCli.stdout)).toMatchObject({
      ok: true,
      clean: false,
      outcome: 'not-clean',
      verification: { pending: 1 },
    });

    // The CLI's own row at the tail, rewritten into something else before the app vouched for it.
    const second = copyOf(profile);
    expect((await cliOn(second, profile.clock)('revoke-user', 'grace')).code).toBe(0);
    const other = await openCopy(profile, second);
    const tail = auditRows(other.db).at(-1)!;
    expect(tail).toMatchObject({ keyed: 0, event: 'sessions-revoked' });
    const edited = { ...tail, event: 'cleanup', details: '{"deleted":0,"by":"maintenance-cli"}' };
    edited.hash = sha256Row(edited);
    other.db
      .prepare('UPDATE audit_log SET event = ?, details = ?, hash = ? WHERE seq = ?')
      .run(edited.event, edited.details, edited.hash, edited.seq);
    bareAnchor(second, edited);
    expect(await other.log.verify()).toMatchObject({ ok: true, clean: false, pending: 1 });
    other.db.close();
    console.log('audit threat model: forged unkeyed tail -> ok but NOT clean, pending 1');
  });

  it('a forged tail the app then vouches for: said in the app’s log when it opens (the documented limit of vouching)', async () => {
    const profile = await realisticLog(new FakeSecretStore());
    const dir = copyOf(profile);
    const db = openDatabase(path.join(dir, 'sessions.db'));
    const forged = forgeUnkeyed(db, { event: 'cleanup', details: '{"deleted":0}' });
    db.close();
    bareAnchor(dir, forged);
    const copy = profileOn(profile, dir);
    const app = await copy.start();
    expect(copy.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'audit log: rows written without the audit key will be vouched for',
        fields: expect.objectContaining({ from: forged.seq, to: forged.seq, rows: 1 }),
      }),
    );
    await app.invoke('auth:login', { username: 'ada', password: ADA_PASSWORD });
    expect(await app.audit.verify()).toMatchObject({ ok: true, clean: true });
  });

  it('anchor rollback: an older, validly MAC’d anchor put back and the rows after it deleted', async () => {
    const profile = await realisticLog(new FakeSecretStore());
    const older = fs.readFileSync(path.join(profile.dir, ANCHOR));
    const k = (readJson(path.join(profile.dir, ANCHOR)) as { seq: number }).seq;
    const rollBack = (dir: string): void => {
      const db = openDatabase(path.join(dir, 'sessions.db'));
      db.prepare('DELETE FROM audit_log WHERE seq > ?').run(k);
      db.close();
      fs.writeFileSync(path.join(dir, ANCHOR), older);
    };
    const verifyCopy = async (dir: string) => {
      const { db, log } = await openCopy(profile, dir);
      const result = await log.verify();
      db.close();
      return result;
    };

    // After it: failed sign-ins only. Nothing in the database remembers them: the same as
    // rolling every file back, out of reach (documented).
    let app = await profile.start();
    for (let i = 0; i < 3; i += 1)
      await app.invoke('auth:login', { username: 'ada', password: 'not the password!' });
    await app.close();
    const onlyFailures = copyOf(profile);
    rollBack(onlyFailures);
    expect(await verifyCopy(onlyFailures)).toMatchObject({ ok: true, clean: true, checked: k });

    // After it: a remembered sign-in, whose session still lives: not clean.
    app = await profile.start();
    await app.invoke('auth:login', { username: 'ada', password: ADA_PASSWORD, rememberMe: true });
    await app.close();
    profile.clock.advance(2 * MINUTE);
    const withSession = copyOf(profile);
    rollBack(withSession);
    expect(await verifyCopy(withSession)).toMatchObject({
      ok: true,
      clean: false,
      unrecordedSessions: 1,
    });

    // After it: an account created. Failed at the first removed row.
    app = await profile.start();
    await app.invoke('auth:register', { username: 'hopper', password: PASSWORD });
    await app.close();
    profile.clock.advance(2 * MINUTE);
    const withAccount = copyOf(profile);
    rollBack(withAccount);
    const result = await verifyCopy(withAccount);
    expect(result).toMatchObject({
      ok: false,
      firstBadSeq: k + 1,
      reason: expect.stringMatching(/no account-created \(or legacy-import\) event/),
    });
    console.log(
      `audit threat model: anchor rollback to row ${k} -> failed at row ${result.firstBadSeq} with an account since, NOT clean with a live session since, clean with only failed sign-ins since (out of reach)`,
    );
  });

  it('out of reach, as documented: every file rolled back to an older copy, and a forger who can use the keyring', async () => {
    const profile = await realisticLog(new FakeSecretStore());
    const snapshot = copyOf(profile);
    const app = await profile.start();
    await app.invoke('auth:login', { username: 'ada', password: ADA_PASSWORD });
    await app.close();
    const rolledBack = await openCopy(profile, snapshot);
    expect(await rolledBack.log.verify()).toMatchObject({ ok: true, clean: true });
    rolledBack.db.close();

    // The keyring decrypts audit-key.enc: the forger re-keys an edited row and everything after.
    const dir = copyOf(profile);
    const { plaintext } = await profile.store.decrypt(fs.readFileSync(path.join(dir, KEY_FILE)));
    const key = Buffer.from(plaintext, 'base64');
    const { db, log } = await openCopy(profile, dir);
    const all = auditRows(db);
    const target = all.find((r) => r.event === 'sign-in-failed')!;
    let prev = all[target.seq - 2]!.hash;
    const update = db.prepare(
      'UPDATE audit_log SET event = ?, details = ?, prev_hash = ?, hash = ? WHERE seq = ?',
    );
    for (const r of all.slice(target.seq - 1)) {
      const changed =
        r.seq === target.seq ? { ...r, event: 'system-event', details: '{"event":"resume"}' } : r;
      const row = { ...changed, prev_hash: prev };
      row.hash = rowHash(row, row.keyed === 1 ? key : null);
      update.run(row.event, row.details, row.prev_hash, row.hash, row.seq);
      prev = row.hash;
    }
    const anchor = readJson(path.join(dir, ANCHOR));
    const head = { seq: all.at(-1)!.seq, hash: prev };
    fs.writeFileSync(
      path.join(dir, ANCHOR),
      JSON.stringify({
        ...anchor,
        ...head,
        mac: anchorMac(head.seq, head.hash, key),
        checkpoint: { ...head, mac: checkpointMac(head.seq, head.hash, key) },
      }),
    );
    expect(await log.verify()).toMatchObject({ ok: true, clean: true });
    db.close();
  });

  it('an honest history: the CLI’s rows after the app’s, pending until the app appends, clean from then on', async () => {
    const profile = new TestProfile({ store: new FakeSecretStore() });
    const maintenance = cliOn(profile.dir, profile.clock);
    let app = await profile.start();
    const other = await profile.start({ device: 'second instance' });
    await other.invoke('auth:register', { username: 'grace', password: PASSWORD });
    await app.invoke('auth:register', { username: 'ada', password: PASSWORD, rememberMe: true });
    await other.close();
    await app.close();
    expect((await maintenance('revoke-user', 'grace')).code).toBe(0);
    expect((await maintenance('revoke-user', 'nobody-here')).code).toBe(1);
    expect((await maintenance('revoke-user', 'grace')).code).toBe(0);
    const before = JSON.parse((await maintenance('verify-audit', '--json')).stdout) as {
      verification: AuditVerification;
    };
    expect(before).toMatchObject({
      ok: true,
      clean: false,
      verification: { pending: 2, beforeKey: 0 },
    });
    profile.clock.advance(MINUTE);
    app = await profile.start(); // restores ada's session: a keyed row, which vouches for them
    expect(app.getState().authenticated).toBe(true);
    expect(await app.audit.verify()).toMatchObject({
      ok: true,
      clean: true,
      checked: before.verification.checked + 1,
    });
    await expect
      .poll(() => profile.logger.lines.some((l) => l.message === 'audit log verified'))
      .toBe(true);
    // The CLI still cannot authenticate anything (no keyring), and says why.
    expect(JSON.parse((await maintenance('verify-audit', '--json')).stdout)).toMatchObject({
      ok: true,
      clean: false,
      verification: { pending: 0, unverifiedRows: before.verification.checked + 1 },
    });
  });
});
