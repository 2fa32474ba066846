import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AuditLog } from '../../src/core/audit/audit-log';
import type { ChainHead, StoredAuditRow } from '../../src/core/audit/audit-types';
import type { Db } from '../../src/core/db/open-database';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { ManualClock } from './clock';
import { migratedDb } from './db';

/** An audit key for tests that hash and MAC by hand; any 32 bytes do. */
export const TEST_AUDIT_KEY = Buffer.alloc(32, 3);

/** A second key, not {@link TEST_AUDIT_KEY}: a forger's, or one that replaced it. */
export const OTHER_AUDIT_KEY = Buffer.alloc(32, 4);

/** A fresh log with `count` sign-in rows, keyed unless `store` is null (no secure storage). */
export async function logWithRows(
  count: number,
  store: FakeSecretStore | null = new FakeSecretStore(),
) {
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

/** The anchor file of a data directory. */
export function anchorFile(dir: string): string {
  return path.join(dir, 'audit-anchor.json');
}

/** One stored row, read with SQL. */
export function auditRow(db: Db, seq: number): StoredAuditRow {
  return db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as StoredAuditRow;
}

/** Every stored row in seq order, read with SQL. */
export function auditRows(db: Db): StoredAuditRow[] {
  return db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as StoredAuditRow[];
}

/**
 * The plain SHA-256 an attacker without the key would compute for a row, written out here
 * rather than borrowed from the code under test.
 */
export function sha256Row(r: Omit<StoredAuditRow, 'hash'>): string {
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

/** Rewrites rows from `from` on as unkeyed rows with recomputed SHA-256 hashes, chained anew. */
export function rechainUnkeyed(db: Db, from: number, details = '{"note":"forged"}'): ChainHead {
  const rows = db
    .prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq')
    .all(from) as StoredAuditRow[];
  let prev = from === 1 ? '0'.repeat(64) : auditRow(db, from - 1).hash;
  let last = { seq: from - 1, hash: prev };
  for (const r of rows) {
    const d = r.seq === from ? details : r.details;
    const hash = sha256Row({ ...r, details: d, keyed: 0, prev_hash: prev });
    db.prepare(
      'UPDATE audit_log SET details = ?, keyed = 0, prev_hash = ?, hash = ? WHERE seq = ?',
    ).run(d, prev, hash, r.seq);
    prev = hash;
    last = { seq: r.seq, hash };
  }
  return last;
}

/** Rewrites the anchor as a writer without the key would: no MAC, the checkpoint copied (or dropped). */
export function rewriteAnchor(dir: string, head: ChainHead, keepCheckpoint = true): void {
  const file = anchorFile(dir);
  const old = JSON.parse(fs.readFileSync(file, 'utf8')) as { checkpoint?: unknown };
  fs.writeFileSync(
    file,
    JSON.stringify({ v: 1, ...head, ...(keepCheckpoint ? { checkpoint: old.checkpoint } : {}) }),
  );
}
