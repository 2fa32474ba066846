/**
 * Keeps the write-ahead log small while a long cleanup runs, without a stall inside any batch.
 *
 * SQLite's automatic checkpoint runs inside the commit that crosses its threshold: a cleanup
 * batch would then also copy the whole WAL back into the database, with its fsyncs. So, for the
 * length of a cleanup, the automatic checkpoint of the connection is suspended and a PASSIVE
 * checkpoint runs as a batch of its own between delete batches instead (PASSIVE: it never waits
 * for another process's readers or writer).
 *
 * A checkpoint costs about in proportion to the pages written since the last one, and every
 * deleted row dirties about one page of the (random) session id index. So one is due after as
 * many deleted rows as make it take about `CHECKPOINT_BUDGETS` step budgets (aimed from the last
 * checkpoint's duration, the way delete batches are sized), or as many as write the WAL frames
 * the automatic checkpoint allows, whichever is fewer: the WAL stays within SQLite's own bound.
 */
import { performance } from 'node:perf_hooks';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/open-database';
import { aimAtBudget } from './step-budget';

/** A checkpoint may take this many step budgets: its fsyncs are a fixed cost worth spreading. */
const CHECKPOINT_BUDGETS = 1.5;
/** Rows between two checkpoints at least, and before the first (so that one is short). */
const MIN_ROWS = 128;
/** The smallest batch worth running to bring a checkpoint's rows up to its aim. */
const MIN_TOP_UP = 16;
/** WAL frames one deleted row writes, until measured (a guess on the high side). */
const INITIAL_FRAMES_PER_ROW = 2;

interface Suspension {
  holders: number;
  /** The connection's `wal_autocheckpoint` before the first cleanup suspended it. */
  previous: number;
}

// Per connection, so that two overlapping cleanups restore the setting once, to its own value.
const suspensions = new WeakMap<Db, Suspension>();

/** Checkpoint policy of one cleanup run; {@link release} it when the run ends. */
export class WalKeeper {
  /** WAL frames the automatic checkpoint allowed; 0 when the host manages checkpoints itself. */
  private readonly frameCap: number;
  private readonly targetMs: number;
  private readonly statement: Statement | null;
  private rowsSince = 0;
  private framesPerRow = INITIAL_FRAMES_PER_ROW;
  /** Rows between checkpoints, aimed at the checkpoint budget: few until one has been timed. */
  private aimedRows = MIN_ROWS;
  private released = false;

  constructor(
    private readonly db: Db,
    budgetMs: number,
  ) {
    this.targetMs = CHECKPOINT_BUDGETS * budgetMs;
    const wal = db.open && db.pragma('journal_mode', { simple: true }) === 'wal';
    this.frameCap = wal ? suspend(db) : 0;
    this.released = !wal;
    this.statement = this.frameCap > 0 ? db.prepare('PRAGMA wal_checkpoint(PASSIVE)') : null;
  }

  /** Notes rows a batch deleted (and so pages it wrote to the WAL). */
  deleted(rows: number): void {
    this.rowsSince += rows;
  }

  /** Whether a checkpoint should run before the next delete batch. */
  due(): boolean {
    return (
      this.statement !== null && this.rowsSince > 0 && this.rowsSince >= this.rowsPerCheckpoint()
    );
  }

  /**
   * The most rows the next delete batch may take: what the next checkpoint can still absorb
   * within its budget, or the checkpoint after that batch would be the long stall.
   */
  maxBatchRows(): number {
    if (this.statement === null) return Number.POSITIVE_INFINITY;
    return Math.max(MIN_TOP_UP, this.rowsPerCheckpoint() - this.rowsSince);
  }

  private rowsPerCheckpoint(): number {
    const walBound = Math.max(MIN_ROWS, Math.floor(this.frameCap / this.framesPerRow));
    return Math.min(walBound, this.aimedRows);
  }

  /** Runs one PASSIVE checkpoint (a batch of its own) and learns what it cost. */
  checkpoint(): void {
    if (this.statement === null || !this.db.open) return;
    const started = performance.now();
    const result = this.statement.get() as { busy: number; log: number; checkpointed: number };
    const ms = performance.now() - started;
    const rows = this.rowsSince;
    this.rowsSince = 0;
    if (rows === 0) return;
    this.aimedRows = aimAtBudget(rows, ms, this.targetMs, {
      min: MIN_ROWS,
      max: Number.MAX_SAFE_INTEGER,
    });
    // The frames the WAL held: those of these rows when the last checkpoint let it restart.
    if (result.log > 0)
      this.framesPerRow = Math.max(0.25, (this.framesPerRow + result.log / rows) / 2);
  }

  /** Gives the connection its automatic checkpoint back (once the last overlapping run ends). */
  release(): void {
    if (this.released) return;
    this.released = true;
    const suspension = suspensions.get(this.db);
    if (!suspension) return;
    suspension.holders -= 1;
    if (suspension.holders > 0) return;
    suspensions.delete(this.db);
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${suspension.previous}`);
  }
}

/** Suspends the automatic checkpoint of `db`; returns the frame threshold it had (0: none). */
function suspend(db: Db): number {
  let suspension = suspensions.get(db);
  if (!suspension) {
    const previous = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    suspension = { holders: 0, previous };
    suspensions.set(db, suspension);
    if (previous > 0) db.pragma('wal_autocheckpoint = 0');
  }
  suspension.holders += 1;
  return Math.max(0, suspension.previous);
}
