/**
 * Drill: tamper with a realistic audit log, one produced by the runtime (keyed rows) with the
 * maintenance CLI's unkeyed rows in between, and by a profile without secure storage (every row
 * unkeyed). Every tampering must be detected with the right `firstBadSeq`.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog, type StoredAuditRow } from '../../src/core/audit/audit-log';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { MIGRATIONS_DIR } from '../helpers/db';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { tempDir } from '../helpers/temp-dir';
import { cli } from '../cli/cli-helpers';

const MINUTE = 60_000;

type Row = StoredAuditRow;

/** Produces a log through the runtime and the CLI; returns the profile (closed). */
async function realisticLog(store: FakeSecretStore): Promise<TestProfile> {
  const profile = new TestProfile({ store });
  const maintenance = (...argv: string[]) =>
    cli([...argv, '--data-dir', profile.dir], {
      clock: profile.clock,
      migrationsDir: MIGRATIONS_DIR,
    });
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

function rows(db: Db): Row[] {
  return db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
}

function sha256Row(r: Row): string {
  return crypto
    .createHash('sha256')
    .update(
      JSON.stringify([
        r.seq,
        r.at,
        r.event,
        r.user_id,
        r.session_id,
        r.details,
        r.keyed,
        r.prev_hash,
      ]),
    )
    .digest('hex');
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
  const r = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as Row;
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

const KEYED_LOG_TAMPERS: Tamper[] = [
  {
    name: 'edit a field of a keyed (app) row',
    apply: (db, _dir, all) => {
      const target = all[Math.floor(all.length / 3)]!;
      expect(target.keyed).toBe(1);
      db.prepare('UPDATE audit_log SET user_id = 999 WHERE seq = ?').run(target.seq);
      return target.seq;
    },
  },
  {
    name: 'edit a field of an unkeyed (CLI) row',
    apply: (db, _dir, all) => {
      const target = unkeyedFollowedBy(all, 1);
      editDetails(db, target.seq, '{"by":"someone else"}', 'none');
      return target.seq;
    },
  },
  {
    name: 'delete a middle row',
    apply: (db, _dir, all) => {
      const target = all[Math.floor(all.length / 2)]!;
      db.prepare('DELETE FROM audit_log WHERE seq = ?').run(target.seq);
      return target.seq;
    },
  },
  {
    name: 'swap two rows',
    apply: (db, _dir, all) => {
      const a = all[5]!.seq;
      const b = all[11]!.seq;
      db.transaction(() => {
        db.prepare('UPDATE audit_log SET seq = 1000000 WHERE seq = ?').run(a);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(a, b);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = 1000000').run(b);
      })();
      return a;
    },
  },
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
      fs.writeFileSync(
        path.join(dir, 'audit-anchor.json'),
        `${JSON.stringify({ v: 1, seq: last.seq, hash: last.hash })}\n`,
      );
      return first;
    },
  },
  {
    name: 'recompute the unkeyed hash of an edited unkeyed row (next row keyed)',
    apply: (db, _dir, all) => {
      const target = unkeyedFollowedBy(all, 1);
      editDetails(db, target.seq, '{"count":7,"by":"maintenance-cli"}', 'sha256');
      return target.seq;
    },
  },
  {
    name: 'recompute the unkeyed hash of an edited unkeyed row (next row unkeyed too)',
    apply: (db, _dir, all) => {
      const target = unkeyedFollowedBy(all, 0);
      editDetails(db, target.seq, '{"by":"nobody"}', 'sha256');
      return target.seq;
    },
  },
  {
    name: 'rewrite the prev_hash of an unkeyed row after a keyed one, hash recomputed',
    apply: (db, _dir, all) => {
      const i = all.findIndex((r, k) => r.keyed === 0 && all[k - 1]?.keyed === 1);
      const target = { ...all[i]!, prev_hash: 'f'.repeat(64) };
      db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?').run(
        target.prev_hash,
        sha256Row(target),
        target.seq,
      );
      return target.seq;
    },
  },
  {
    name: 'downgrade an edited keyed row to unkeyed with a recomputed hash',
    apply: (db, _dir, all) => {
      const target = all.find((r, i) => r.keyed === 1 && i > 3 && all[i + 1]?.keyed === 1)!;
      const edited = { ...target, details: '{"reason":"signed-out"}', keyed: 0 };
      db.prepare('UPDATE audit_log SET details = ?, keyed = 0, hash = ? WHERE seq = ?').run(
        edited.details,
        sha256Row(edited),
        target.seq,
      );
      return target.seq;
    },
  },
];

const UNKEYED_LOG_TAMPERS: Tamper[] = [
  {
    name: 'edit a field',
    apply: (db, _dir, all) => {
      const target = all[4]!;
      db.prepare("UPDATE audit_log SET event = 'sign-out' WHERE seq = ?").run(target.seq);
      return target.seq;
    },
  },
  {
    name: 'delete a middle row',
    apply: (db, _dir, all) => {
      db.prepare('DELETE FROM audit_log WHERE seq = ?').run(all[7]!.seq);
      return all[7]!.seq;
    },
  },
  {
    name: 'swap two rows',
    apply: (db, _dir, all) => {
      const [a, b] = [all[3]!.seq, all[6]!.seq];
      db.transaction(() => {
        db.prepare('UPDATE audit_log SET seq = 1000000 WHERE seq = ?').run(a);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(a, b);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = 1000000').run(b);
      })();
      return a;
    },
  },
  { name: 'drop the newest 2 rows', apply: (db, _dir, all) => dropNewest(db, 2, all) },
  {
    name: 'recompute the unkeyed hash of an edited row',
    apply: (db, _dir, all) => {
      const target = all[5]!;
      editDetails(db, target.seq, '{"context":"sign-in","outcome":"ok","failures":0}', 'sha256');
      return target.seq;
    },
  },
];

async function runTampers(
  profile: TestProfile,
  tampers: Tamper[],
  label: string,
): Promise<string[]> {
  const lines: string[] = [];
  const original = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
  const all = rows(original);
  original.close();
  for (const tamper of tampers) {
    const dir = copyOf(profile);
    const db = openDatabase(path.join(dir, 'sessions.db'));
    const log = await AuditLog.open({
      db,
      dataDir: dir,
      secretStore: profile.store,
      secure: profile.store.backend !== 'basic_text',
    });
    // Untouched, the copy verifies (so a failure below is the tampering's doing).
    expect(await log.verify(), `${label}: untouched copy`).toMatchObject({
      ok: true,
      checked: all.length,
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
    const all = rows(db);
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
    const all = rows(db);
    db.close();
    expect(all.every((r) => r.keyed === 0)).toBe(true);
    const lines = await runTampers(profile, UNKEYED_LOG_TAMPERS, 'unkeyed');
    console.log(`audit tamper: an unkeyed log of ${all.length} rows`);
    for (const line of lines) console.log(line);
  });
});
