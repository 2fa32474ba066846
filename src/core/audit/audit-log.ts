import fs from 'node:fs';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import { openDatabase, type Db } from '../db/open-database';
import { DATA_FILES } from '../persistence/data-files';
import { systemClock, type Clock, type Logger, silentLogger } from '../ports';
import {
  advanceAnchor,
  readAnchor,
  startAnchor,
  writeGenesisAnchor,
  type AnchorMove,
} from './anchor-file';
import { checkDetails, GENESIS_HEAD, rowHash } from './audit-chain';
import { openAuditKey, type AuditKey, type AuditKeyOptions } from './audit-key';
import type {
  AuditAnchor,
  AuditEvent,
  AuditVerification,
  ChainHead,
  ExpectedEvents,
  StoredAuditRow,
} from './audit-types';
import { explainVerification, type VerificationReport } from './verification-report';
import { ChainVerifier } from './verify-chain';

/** Rows read per page by verify(), which yields to the event loop between pages. */
const VERIFY_CHUNK = 2000;
const HEAD_SQL = 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1';
const PAGE_SQL = 'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?';
const LAST_KEYED_SQL = 'SELECT seq FROM audit_log WHERE keyed = 1 ORDER BY seq DESC LIMIT 1';

/**
 * Accounts and sessions created this recently need not have their event in the chain yet: the
 * app writes the row first and the event after it (a sign-in writes `session.enc` in between),
 * and another process may be between the two when a verification takes its snapshot.
 */
export const IN_FLIGHT_MS = 60_000;

/** Options of {@link AuditLog.open}: where the key lives, plus the clock and the logger. */
interface AuditLogOptions extends AuditKeyOptions {
  clock?: Clock;
  logger?: Logger;
}

/**
 * The tamper-evident audit log. Each row's hash covers its fields and the previous row's hash:
 * HMAC-SHA256 under a random key that the SecretStore encrypts (`audit-key.enc`), or plain
 * SHA-256 when no secure storage exists (and for the maintenance CLI, which has no keyring).
 * The newest (seq, hash) is written to `audit-anchor.json`, with a MAC when keyed, so deleting
 * the newest rows is detected too; the anchor also keeps where the key took over (its origin)
 * and the newest head a key holder vouched for (its checkpoint). See docs/security-model.md.
 */
export class AuditLog {
  private readonly insert: Statement<[StoredAuditRow]>;
  private readonly last: Statement<[], ChainHead>;
  private readonly hashOf: Statement<[number], string>;
  private anchorWarned = false;

  private constructor(
    private readonly db: Db,
    private readonly dataDir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly key: AuditKey,
  ) {
    this.insert = db.prepare(
      `INSERT INTO audit_log (seq, at, event, user_id, session_id, details, keyed, prev_hash, hash)
       VALUES (@seq, @at, @event, @user_id, @session_id, @details, @keyed, @prev_hash, @hash)`,
    );
    this.last = db.prepare(HEAD_SQL);
    this.hashOf = db.prepare<[number], string>('SELECT hash FROM audit_log WHERE seq = ?').pluck();
    // A new chain without a key gets its anchor before its first row, so a missing anchor later
    // means somebody removed it. Never where rows or a key file exist: that anchor was removed,
    // and writing a fresh one would hide it (a keyed chain got its anchor with its key).
    if (
      !fs.existsSync(this.anchorFile) &&
      !fs.existsSync(this.keyFile) &&
      this.last.get() === undefined
    )
      writeGenesisAnchor(this.anchorFile);
  }

  /**
   * Opens the log: loads the HMAC key (creating it on first use with secure storage, with the
   * anchor's origin at the chain's current head). A key that exists but cannot be decrypted now
   * is left in place, and this run chains unkeyed. Warns when this run is about to vouch for
   * rows written without the key.
   */
  static async open(options: AuditLogOptions): Promise<AuditLog> {
    const { db } = options;
    const logger = options.logger ?? silentLogger;
    const anchorFile = path.join(options.dataDir, DATA_FILES.auditAnchor);
    const head = (): ChainHead => db.prepare<[], ChainHead>(HEAD_SQL).get() ?? GENESIS_HEAD;
    const key = await openAuditKey(options, (newKey) => startAnchor(anchorFile, head(), newKey));
    if (key.problem)
      logger.warn('audit log: running without its HMAC key', { problem: key.problem });
    if (key.created && head().seq > 0) {
      logger.warn('audit log: audit key created; the rows already in the log predate it', {
        rows: head().seq,
        meaning:
          'they were written without secure storage and will never count as authenticated (verify() reports them as beforeKey)',
      });
    } else if (key.key) {
      const pending = pendingRows(db, readAnchor(anchorFile));
      if (pending) {
        logger.warn('audit log: rows written without the audit key will be vouched for', {
          ...pending,
          meaning:
            "the maintenance CLI (or a run whose keyring was locked) wrote them since the app's last keyed row; this run's next keyed row vouches for them. If nobody ran the CLI or used the app without its keyring since, they may be forged.",
        });
      }
    }
    return new AuditLog(db, options.dataDir, options.clock ?? systemClock, logger, key);
  }

  /** Whether new rows are HMAC-keyed. */
  get keyed(): boolean {
    return this.key.key !== null;
  }

  private get anchorFile(): string {
    return path.join(this.dataDir, DATA_FILES.auditAnchor);
  }

  private get keyFile(): string {
    return path.join(this.dataDir, DATA_FILES.auditKey);
  }

  /**
   * Appends an event. Detail keys that look like secrets (password, token, hash, key…) are a
   * programming error and throw: no secret ever reaches the log.
   */
  record(input: AuditEvent): void {
    this.recordWith(
      () => input,
      () => undefined,
    );
  }

  /**
   * Runs `work` and appends the event `eventOf` makes of its result in one write transaction, so
   * that a change and its event commit together or not at all (a crash between the two would
   * leave an account or a session the log knows nothing of). `eventOf` may return null: no event.
   */
  recordWith<T>(eventOf: (result: T) => AuditEvent | null, work: () => T): T {
    return this.recordAllWith((result: T) => {
      const input = eventOf(result);
      return input ? [input] : [];
    }, work);
  }

  /**
   * {@link recordWith} for a change that takes several events (an import names every account it
   * brings in): `work` and all the events `eventsOf` makes of its result, in one transaction.
   */
  recordAllWith<T>(eventsOf: (result: T) => readonly AuditEvent[], work: () => T): T {
    const key = this.key.key;
    const [result, head] = this.db
      .transaction((): [T, ChainHead | null] => {
        const done = work();
        let last: ChainHead | null = null;
        for (const input of eventsOf(done)) last = this.append(input, key);
        return [done, last];
      })
      .immediate();
    // After the commit: an anchor ahead of its rows would read as rows removed.
    if (head) this.settle(head, key);
    return result;
  }

  /** Inserts the event's row at the head of the chain (inside the caller's transaction). */
  private append(input: AuditEvent, key: Buffer | null): ChainHead {
    const details = input.details ?? {};
    checkDetails(details);
    const last = this.last.get() ?? GENESIS_HEAD;
    const content = {
      seq: last.seq + 1,
      at: this.clock.now(),
      event: input.event,
      user_id: input.userId ?? null,
      session_id: input.sessionId ?? null,
      details: JSON.stringify(details),
      keyed: key ? 1 : 0,
      prev_hash: last.hash,
    };
    const hash = rowHash(content, key);
    this.insert.run({ ...content, hash });
    return { seq: content.seq, hash };
  }

  /** Moves the anchor to a committed head. */
  private settle(head: ChainHead, key: Buffer | null): void {
    let move: AnchorMove;
    try {
      move = advanceAnchor(this.anchorFile, head, key, (seq) =>
        seq === 0 ? GENESIS_HEAD.hash : this.hashOf.get(seq),
      );
    } catch (error) {
      // The row is committed; a stale anchor only lags, which verify() tolerates.
      this.logger.warn('audit log: could not update the anchor', {
        error: (error as Error).message,
      });
      return;
    }
    if ((move === 'missing' || move === 'disagrees') && !this.anchorWarned) {
      this.anchorWarned = true;
      this.logger.warn('audit log: the anchor is left as it is', {
        problem:
          move === 'missing'
            ? 'audit-anchor.json is missing or unreadable'
            : 'audit-anchor.json does not match the chain',
        meaning: 'it is not rewritten, so that verification keeps reporting it',
      });
    }
  }

  /**
   * Verifies the whole chain in one read transaction (a snapshot: a connection of its own, so
   * the pages can yield to the event loop while other connections write) against the anchor,
   * the key, and the accounts and live sessions of the same snapshot. See
   * {@link AuditVerification} for what the result says and {@link ChainVerifier} for how.
   */
  async verify(): Promise<AuditVerification> {
    // The anchor first: it is written after its row commits, so the snapshot taken after it
    // holds every row it names (the rows may only be ahead of it, which is tolerated).
    const anchor = readAnchor(this.anchorFile);
    const keyFileExists = fs.existsSync(this.keyFile);
    const now = this.clock.now();
    const verifierOn = (expected: ExpectedEvents): ChainVerifier =>
      new ChainVerifier(anchor, this.key.key, {
        warning: this.key.problem,
        keyFileExists,
        expected,
      });
    const reader = this.openReader();
    if (!reader) {
      // No connection of its own (an in-memory database): all in one go, nothing in between.
      const expected = await expectedEvents(this.db, now, false);
      return this.db.transaction(() => {
        const chain = verifierOn(expected);
        let after = feedPage(this.db, chain, 0);
        while (after !== null) after = feedPage(this.db, chain, after);
        return chain.finish();
      })();
    }
    try {
      reader.prepare('BEGIN').run();
      const chain = verifierOn(await expectedEvents(reader, now));
      let after = feedPage(reader, chain, 0);
      while (after !== null) {
        await yieldToEventLoop();
        after = feedPage(reader, chain, after);
      }
      return chain.finish();
    } finally {
      if (reader.inTransaction) reader.prepare('COMMIT').run();
      reader.close();
    }
  }

  /** What `result` means and what an operator should do about it, as the app says it. */
  explain(result: AuditVerification): VerificationReport {
    return explainVerification(result, 'app');
  }

  /** A read-only connection to the same file, or null where none can be had. */
  private openReader(): Db | null {
    if (this.db.memory) return null;
    try {
      return openDatabase(this.db.name, { readonly: true });
    } catch {
      return null;
    }
  }
}

/** Feeds the verifier one page of rows after `after`; the seq to read from next, or null when done. */
function feedPage(db: Db, verifier: ChainVerifier, after: number): number | null {
  const rows = db.prepare<[number, number], StoredAuditRow>(PAGE_SQL).all(after, VERIFY_CHUNK);
  for (const row of rows) if (!verifier.push(row)) return null;
  return rows.length < VERIFY_CHUNK ? null : rows[rows.length - 1]!.seq;
}

/** Rows of `users` and of live `sessions` read per page (a yield comes between pages). */
const EXPECTED_PAGE = 5000;
// Named `pageKey`, not `rowid`: SQLite names a selected rowid after the column that aliases it
// (`users.id`), so a field called `rowid` would be missing there and the paging never move on.
const RECENT_ONLY = '(created_at <= @settled OR created_at > @now)';
const EXPECTED_SQL = {
  accounts: `SELECT rowid AS pageKey, id, created_at AS createdAt FROM users WHERE ${RECENT_ONLY}`,
  sessions: `SELECT rowid AS pageKey, id FROM sessions WHERE idle_expires_at > @now AND expires_at > @now AND ${RECENT_ONLY}`,
};

/**
 * The accounts and live sessions whose events must be in the chain: all but those created in
 * the last {@link IN_FLIGHT_MS} (a creation time in the future does not excuse anything). Read in
 * pages by rowid with a yield between pages (a profile may hold hundreds of thousands of live
 * sessions: read at once, they would stall the app). The caller holds a read transaction, so
 * every page comes from the same snapshot; without `paced`, everything is read at once.
 */
async function expectedEvents(db: Db, now: number, paced = true): Promise<ExpectedEvents> {
  const params = { now, settled: now - IN_FLIGHT_MS };
  const read = async <T extends { pageKey: number }>(sql: string): Promise<T[]> => {
    if (!paced) return db.prepare(sql).all(params) as T[];
    const statement = db.prepare(`${sql} AND rowid > @after ORDER BY rowid LIMIT ${EXPECTED_PAGE}`);
    const all: T[] = [];
    for (;;) {
      const page = statement.all({ ...params, after: all.at(-1)?.pageKey ?? 0 }) as T[];
      for (const row of page) all.push(row);
      if (page.length < EXPECTED_PAGE) return all;
      await yieldToEventLoop();
    }
  };
  return {
    accounts: await read<{ pageKey: number; id: number; createdAt: number }>(EXPECTED_SQL.accounts),
    sessions: await read<{ pageKey: number; id: string }>(EXPECTED_SQL.sessions),
  };
}

/** Unkeyed rows after the newest keyed row (and after the origin): what the next keyed row vouches for. */
function pendingRows(
  db: Db,
  anchor: AuditAnchor | null,
): { from: number; to: number; rows: number } | null {
  const lastKeyed = (db.prepare(LAST_KEYED_SQL).pluck().get() as number | undefined) ?? 0;
  const origin = anchor?.origin?.seq ?? anchor?.checkpoint?.seq ?? 0;
  const from = Math.max(lastKeyed, origin) + 1;
  const to = db.prepare<[], ChainHead>(HEAD_SQL).get()?.seq ?? 0;
  return to >= from ? { from, to, rows: to - from + 1 } : null;
}
