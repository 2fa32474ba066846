import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open-database';
import { writeFileAtomic } from '../persistence/atomic-file';
import { systemClock, type Clock, type Logger, type SecretStore, silentLogger } from '../ports';

/** Every kind of event the audit log records. */
export type AuditEventType =
  | 'account-created'
  | 'account-deactivated'
  | 'account-activated'
  | 'sign-in'
  | 'sign-in-failed'
  | 'lock-out'
  | 'sign-out'
  | 'session-expired'
  | 'session-revoked'
  | 'sessions-revoked'
  | 'password-changed'
  | 'session-restored'
  | 'session-restore-failed'
  | 'session-persist-failed'
  | 'storage-backend-changed'
  | 'cleanup'
  | 'system-event';

/** Detail values are plain scalars; see {@link AuditLog.record} for what may never appear. */
export type AuditDetails = Record<string, string | number | boolean | null>;

/** One event to record. */
export interface AuditEvent {
  event: AuditEventType;
  userId?: number | null;
  sessionId?: string | null;
  details?: AuditDetails;
}

/** A stored row, as `list()` returns it. */
export interface AuditRow {
  seq: number;
  at: number;
  event: AuditEventType;
  userId: number | null;
  sessionId: string | null;
  details: AuditDetails;
  keyed: boolean;
}

/** The result of {@link AuditLog.verify}. */
export interface AuditVerification {
  /** True when nothing shows tampering. */
  ok: boolean;
  /** Rows examined. */
  checked: number;
  /** The first sequence number that cannot be trusted (a missing seq for a deleted row). */
  firstBadSeq?: number;
  /** What is wrong, in words. */
  reason?: string;
  /** Whether the HMAC key was available, so keyed rows could be authenticated. */
  keyed: boolean;
  /** Keyed rows whose MAC could not be checked because the key is not available now. */
  unverifiedRows: number;
  /** Something a reader should know even when `ok` (no secure storage, key unavailable). */
  warning?: string;
}

/** The head of the chain, kept outside the database so that truncation shows. */
interface Anchor {
  v: 1;
  seq: number;
  hash: string;
  /** HMAC of seq and hash, when the key was available to the writer. */
  mac?: string;
  /**
   * The newest row a key holder vouched for, MAC'd. Written when the key is created and moved
   * by every keyed append; writers without the key (the CLI, a run with a locked keyring) copy
   * it forward unchanged. Every row up to it is protected by the chain, so rewriting keyed rows
   * as unkeyed ones (or dropping them) cannot go unnoticed.
   */
  checkpoint?: { seq: number; hash: string; mac: string };
}

/** A row of `audit_log` exactly as stored (the maintenance CLI and the tamper tests read these). */
export interface StoredAuditRow {
  seq: number;
  at: number;
  event: string;
  user_id: number | null;
  session_id: string | null;
  details: string;
  keyed: number;
  prev_hash: string;
  hash: string;
}

/** Files in the data directory. */
export const AUDIT_KEY_FILE_NAME = 'audit-key.enc';
export const AUDIT_ANCHOR_FILE_NAME = 'audit-anchor.json';

const GENESIS = '0'.repeat(64);
const FORBIDDEN_DETAIL_KEY = /pass|token|secret|hash|key|credential/i;
const VERIFY_CHUNK = 2000;

/** Options of {@link AuditLog.open}. */
export interface AuditLogOptions {
  db: Db;
  dataDir: string;
  clock?: Clock;
  logger?: Logger;
  /** The store that protects the HMAC key; null or not `secure` means an unkeyed SHA-256 chain. */
  secretStore?: SecretStore | null;
  /** Whether the store counts as secure storage now (available, not a weak backend). */
  secure?: boolean;
}

/**
 * The tamper-evident audit log. Each row's hash covers its fields and the previous row's hash:
 * HMAC-SHA256 under a random key that the SecretStore encrypts (`audit-key.enc`), or plain
 * SHA-256 when no secure storage exists. The newest (seq, hash) is written to
 * `audit-anchor.json`, with a MAC when keyed, so deleting the newest rows is detected too.
 */
export class AuditLog {
  private readonly insert: Statement<[StoredAuditRow]>;
  private readonly last: Statement<[], { seq: number; hash: string }>;
  private readonly anchorPath: string;

  private constructor(
    private readonly db: Db,
    dataDir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly key: Buffer | null,
    private readonly keyProblem: string | undefined,
    private readonly keyMissing: boolean,
  ) {
    this.anchorPath = path.join(dataDir, AUDIT_ANCHOR_FILE_NAME);
    this.insert = db.prepare(
      `INSERT INTO audit_log (seq, at, event, user_id, session_id, details, keyed, prev_hash, hash)
       VALUES (@seq, @at, @event, @user_id, @session_id, @details, @keyed, @prev_hash, @hash)`,
    );
    this.last = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    // A chain with no anchor yet gets one before its first row, so a missing anchor later means
    // somebody removed it.
    if (!fs.existsSync(this.anchorPath) && this.last.get() === undefined)
      this.writeAnchor(0, GENESIS);
  }

  /**
   * Opens the log: loads the HMAC key (creating it on first use with secure storage). A key
   * that exists but cannot be decrypted now is left in place, and this run chains unkeyed.
   */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const logger = options.logger ?? silentLogger;
    const loaded = await loadKey(options);
    const make = (key: Buffer | null, problem?: string, missing = false): AuditLog => {
      if (problem) logger.warn('audit log: running without its HMAC key', { problem });
      return new AuditLog(
        options.db,
        options.dataDir,
        options.clock ?? systemClock,
        logger,
        key,
        problem,
        missing,
      );
    };
    if (!loaded.newKeyFile) return make(loaded.key, loaded.problem, loaded.missing === true);
    // A new key: the checkpoint goes into the anchor before the key file exists, so that no
    // state has a usable key without a checkpoint (a crash in between just mints another key).
    try {
      const log = make(loaded.key);
      log.writeAnchor(log.last.get()?.seq ?? 0, log.last.get()?.hash ?? GENESIS);
      writeFileAtomic(path.join(options.dataDir, AUDIT_KEY_FILE_NAME), loaded.newKeyFile, 0o600);
      return log;
    } catch {
      return make(
        null,
        'the audit key could not be stored; audit rows are chained with plain SHA-256',
      );
    }
  }

  /** Whether new rows are HMAC-keyed. */
  get keyed(): boolean {
    return this.key !== null;
  }

  /**
   * Appends an event. Detail keys that look like secrets (password, token, hash, key…) are a
   * programming error and throw: no secret ever reaches the log.
   */
  record(input: AuditEvent): void {
    const details = input.details ?? {};
    for (const [name, value] of Object.entries(details)) {
      if (FORBIDDEN_DETAIL_KEY.test(name))
        throw new TypeError(`audit: detail "${name}" looks like a secret`);
      if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
        throw new TypeError(`audit: detail "${name}" must be a scalar`);
      }
    }
    const at = this.clock.now();
    const detailsJson = JSON.stringify(details);
    const appended = this.db
      .transaction(() => {
        const last = this.last.get();
        const seq = (last?.seq ?? 0) + 1;
        const prevHash = last?.hash ?? GENESIS;
        const row: StoredAuditRow = {
          seq,
          at,
          event: input.event,
          user_id: input.userId ?? null,
          session_id: input.sessionId ?? null,
          details: detailsJson,
          keyed: this.key ? 1 : 0,
          prev_hash: prevHash,
          hash: '',
        };
        row.hash = this.rowHash(row, this.key);
        this.insert.run(row);
        return { seq, hash: row.hash };
      })
      .immediate();
    try {
      this.writeAnchor(appended.seq, appended.hash);
    } catch (error) {
      // The row is committed; a stale anchor only lags, which verify() tolerates.
      this.logger.warn('audit log: could not update the anchor', {
        error: (error as Error).message,
      });
    }
  }

  /** Rows in order, newest last (for the maintenance CLI and tests). */
  list(limit = 1000): AuditRow[] {
    const rows = this.db
      .prepare('SELECT * FROM (SELECT * FROM audit_log ORDER BY seq DESC LIMIT ?) ORDER BY seq')
      .all(limit) as StoredAuditRow[];
    return rows.map((row) => ({
      seq: row.seq,
      at: row.at,
      event: row.event as AuditEventType,
      userId: row.user_id,
      sessionId: row.session_id,
      details: JSON.parse(row.details) as AuditDetails,
      keyed: row.keyed === 1,
    }));
  }

  /**
   * Walks the whole chain in chunks (yielding between them, so a long log does not block the
   * event loop) and reports the first row that cannot be trusted: an edited, deleted, reordered
   * or forged row, or a truncated tail.
   */
  async verify(): Promise<AuditVerification> {
    const anchor = this.readAnchor();
    const page = this.db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?');
    let expected = 1;
    let prevHash = GENESIS;
    let checked = 0;
    let unverifiedRows = 0;
    let hashAtAnchor: string | undefined;
    let keyedAtAnchor = false;
    const checkpoint = anchor?.checkpoint;
    let hashAtCheckpoint: string | undefined;
    // The newest row so far that was keyed and whose MAC checked out (0: none).
    let lastAuthentic = 0;
    let lastAuthenticBeforeCheckpoint = 0;
    // The previous row was keyed and its MAC checked: its hash is genuine.
    let previousAuthentic = false;
    const result = (extra: Partial<AuditVerification>): AuditVerification => ({
      ok: extra.firstBadSeq === undefined && extra.reason === undefined,
      checked,
      keyed: this.key !== null,
      unverifiedRows,
      ...(this.keyProblem ? { warning: this.keyProblem } : {}),
      ...extra,
    });

    for (;;) {
      const rows = page.all(expected - 1, VERIFY_CHUNK) as StoredAuditRow[];
      for (const row of rows) {
        checked += 1;
        if (row.seq !== expected)
          return result({ firstBadSeq: expected, reason: `row ${expected} is missing` });
        const self = this.checkRow(row);
        if (self === 'unverified') unverifiedRows += 1;
        if (self === 'bad')
          return result({ firstBadSeq: row.seq, reason: `row ${row.seq} was altered` });
        if (row.prev_hash !== prevHash) {
          // A broken link: either the predecessor changed or this row's prev_hash did. An
          // authentic (keyed, MAC-checked) row vouches for its prev_hash, so the predecessor
          // changed; after an authentic predecessor, this row changed. Between rows that cannot
          // vouch for anything (unkeyed, or keyed without the key) the earlier one is the first
          // that cannot be trusted: that is where an edited unkeyed row with a recomputed hash is.
          const thisAuthentic = self === 'ok' && row.keyed === 1;
          const culprit =
            row.seq === 1 || (previousAuthentic && !thisAuthentic) ? row.seq : row.seq - 1;
          return result({ firstBadSeq: culprit, reason: `row ${culprit} was altered or replaced` });
        }
        if (row.seq === anchor?.seq) {
          hashAtAnchor = row.hash;
          keyedAtAnchor = row.keyed === 1;
        }
        if (row.seq === checkpoint?.seq) {
          hashAtCheckpoint = row.hash;
          lastAuthenticBeforeCheckpoint = lastAuthentic;
        }
        previousAuthentic = self === 'ok' && row.keyed === 1;
        if (previousAuthentic) lastAuthentic = row.seq;
        prevHash = row.hash;
        expected += 1;
      }
      if (rows.length < VERIFY_CHUNK) break;
      await yieldToEventLoop();
    }

    const lastSeq = expected - 1;
    if (this.keyMissing)
      return result({
        reason: 'the audit key file is missing: keyed rows cannot be authenticated',
      });
    if (!anchor) {
      return lastSeq > 0 ? result({ reason: 'the chain anchor file is missing' }) : result({});
    }
    if (
      anchor.mac !== undefined &&
      this.key &&
      anchor.mac !== this.anchorMac(anchor.seq, anchor.hash, this.key)
    ) {
      return result({ firstBadSeq: lastSeq + 1, reason: 'the chain anchor was forged' });
    }
    if (this.key) {
      // Rows a key holder vouched for must still be there, unchanged. A rewrite of keyed rows
      // as unkeyed ones starts after the last row whose MAC still checks out.
      if (
        !checkpoint ||
        checkpoint.mac !== this.checkpointMac(checkpoint.seq, checkpoint.hash, this.key)
      ) {
        return result({
          firstBadSeq: lastAuthentic + 1,
          reason: 'the chain anchor lost its keyed checkpoint, or it was forged',
        });
      }
      if (checkpoint.seq > lastSeq) {
        // A head anchor still pointing past the end is a plain truncation; one moved back onto
        // the remaining rows was rewritten, so nothing after the last authentic row is trusted.
        const first = anchor.seq > lastSeq ? lastSeq + 1 : lastAuthentic + 1;
        return result({
          firstBadSeq: first,
          reason: `rows up to ${checkpoint.seq} were vouched for by the key, but the log ends at ${lastSeq}`,
        });
      }
      if (checkpoint.seq > 0 && hashAtCheckpoint !== checkpoint.hash) {
        return result({
          firstBadSeq: lastAuthenticBeforeCheckpoint + 1,
          reason: `rows after ${lastAuthenticBeforeCheckpoint} were rewritten (row ${checkpoint.seq} no longer matches the keyed checkpoint)`,
        });
      }
    }
    if (anchor.mac === undefined && keyedAtAnchor) {
      // Only a writer with the key writes keyed rows, and it always MACs the anchor it moves to
      // them: a bare anchor on a keyed row was written by someone else (e.g. after truncating).
      return result({
        firstBadSeq: lastSeq + 1,
        reason: `the chain anchor was rewritten without its MAC (rows after ${anchor.seq} may have been removed)`,
      });
    }
    if (anchor.seq > lastSeq) {
      return result({
        firstBadSeq: lastSeq + 1,
        reason: `rows after ${lastSeq} were removed (the anchor says ${anchor.seq})`,
      });
    }
    if (anchor.seq > 0 && hashAtAnchor !== anchor.hash) {
      return result({
        firstBadSeq: anchor.seq,
        reason: `row ${anchor.seq} does not match the anchor`,
      });
    }
    return result({});
  }

  private checkRow(row: StoredAuditRow): 'ok' | 'bad' | 'unverified' {
    if (row.keyed === 1 && !this.key) return 'unverified';
    const expected = this.rowHash(row, row.keyed === 1 ? this.key : null);
    return safeEqualHex(expected, row.hash) ? 'ok' : 'bad';
  }

  private rowHash(row: StoredAuditRow, key: Buffer | null): string {
    const content = JSON.stringify([
      row.seq,
      row.at,
      row.event,
      row.user_id,
      row.session_id,
      row.details,
      row.keyed,
      row.prev_hash,
    ]);
    return key
      ? crypto.createHmac('sha256', key).update(content).digest('hex')
      : crypto.createHash('sha256').update(content).digest('hex');
  }

  private anchorMac(seq: number, hash: string, key: Buffer): string {
    return crypto.createHmac('sha256', key).update(`anchor:${seq}:${hash}`).digest('hex');
  }

  private checkpointMac(seq: number, hash: string, key: Buffer): string {
    return crypto.createHmac('sha256', key).update(`checkpoint:${seq}:${hash}`).digest('hex');
  }

  private readAnchor(): Anchor | null {
    try {
      const parsed = JSON.parse(fs.readFileSync(this.anchorPath, 'utf8')) as Partial<Anchor>;
      if (parsed.v !== 1 || !Number.isSafeInteger(parsed.seq) || typeof parsed.hash !== 'string')
        return null;
      return {
        v: 1,
        seq: parsed.seq!,
        hash: parsed.hash,
        ...(typeof parsed.mac === 'string' ? { mac: parsed.mac } : {}),
        ...(isCheckpoint(parsed.checkpoint) ? { checkpoint: parsed.checkpoint } : {}),
      };
    } catch {
      return null;
    }
  }

  private writeAnchor(seq: number, hash: string): void {
    // Another process may have appended after us; the anchor only moves forward.
    const current = this.readAnchor();
    if (current && current.seq > seq) return;
    const checkpoint = this.key
      ? { seq, hash, mac: this.checkpointMac(seq, hash, this.key) }
      : current?.checkpoint;
    const anchor: Anchor = {
      v: 1,
      seq,
      hash,
      ...(this.key ? { mac: this.anchorMac(seq, hash, this.key) } : {}),
      ...(checkpoint ? { checkpoint } : {}),
    };
    // Atomic but not fsynced: the rows it points at commit with synchronous=NORMAL (durable
    // against an app crash, not a power cut), and an anchor synced ahead of them would only
    // turn a power cut into a false "rows removed". Two fsyncs per event stalled the main thread.
    writeFileAtomic(this.anchorPath, `${JSON.stringify(anchor)}\n`, 0o600, { durable: false });
  }
}

async function loadKey(
  options: AuditLogOptions,
): Promise<{ key: Buffer | null; problem?: string; missing?: boolean; newKeyFile?: Buffer }> {
  const keyPath = path.join(options.dataDir, AUDIT_KEY_FILE_NAME);
  const hasKeyedRows =
    options.db.prepare('SELECT 1 FROM audit_log WHERE keyed = 1 LIMIT 1').get() !== undefined;
  if (!options.secretStore || !options.secure) {
    return { key: null, problem: 'no secure storage: audit rows are chained with plain SHA-256' };
  }
  let encrypted: Buffer | null;
  try {
    encrypted = fs.readFileSync(keyPath);
  } catch {
    encrypted = null;
  }
  if (encrypted) {
    try {
      const key = Buffer.from(await options.secretStore.decrypt(encrypted), 'base64');
      if (key.length === 32) return { key };
      return { key: null, problem: 'the audit key file holds no valid key' };
    } catch {
      return {
        key: null,
        problem:
          'the audit key could not be decrypted now; keyed rows are checked for linkage only',
      };
    }
  }
  if (hasKeyedRows) {
    // Minting a new key would make every earlier keyed row look forged.
    return {
      key: null,
      problem: 'the audit key file is missing; keyed rows cannot be authenticated',
      missing: true,
    };
  }
  const key = crypto.randomBytes(32);
  try {
    return { key, newKeyFile: await options.secretStore.encrypt(key.toString('base64')) };
  } catch {
    return {
      key: null,
      problem: 'the audit key could not be stored; audit rows are chained with plain SHA-256',
    };
  }
}

function isCheckpoint(value: unknown): value is NonNullable<Anchor['checkpoint']> {
  const c = value as Anchor['checkpoint'] | null | undefined;
  return (
    typeof c === 'object' &&
    c !== null &&
    Number.isSafeInteger(c.seq) &&
    typeof c.hash === 'string' &&
    typeof c.mac === 'string'
  );
}

function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}
