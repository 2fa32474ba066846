/**
 * The cleanup loop: deletes expired sessions on the main thread in short committed batches, each
 * one bounded DELETE sized to take about the step budget, yielding to the event loop between
 * batches, until nothing expired is left or the signal aborts.
 *
 * Each batch runs through the caller's `runBatch` (the runtime's serial request queue), so a
 * request waits for at most one batch, never for the whole cleanup. Every batch commits on its
 * own: stopping between two batches leaves nothing open and nothing to roll back.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { SessionQueries } from './session-queries';
import type { BatchRunner } from './session-types';
import { aimAtBudget } from './step-budget';
import { WalKeeper } from './wal-keeper';

/** Rows in the first batch: small, so that a slow disk cannot make the first step long. */
const FIRST_BATCH = 100;
/** Bounds of a batch, in rows. */
const BATCH_BOUNDS = { min: 16, max: 50_000 };

/** What one cleanup needs. */
export interface CleanupRun {
  /** The statements of the connection to clean. */
  queries: SessionQueries;
  /** The instant that decides what is expired (`idle_expires_at <= now`). */
  now: number;
  /** Target duration of one batch, in ms. */
  budgetMs: number;
  signal?: AbortSignal;
  runBatch?: BatchRunner;
  /** Counts deleted rows as batches commit, so the caller knows them even if a later one fails. */
  tally: { deleted: number };
}

/**
 * Deletes every session expired at `run.now`, batch by batch; resolves with the count (also in
 * `run.tally`). Stops early, between batches, when `run.signal` aborts or the connection closes.
 * Rejects with the error of a failed batch; the batches before it stay committed.
 */
export async function deleteExpiredInBatches(run: CleanupRun): Promise<number> {
  const { queries, now, signal, tally } = run;
  const db = queries.db;
  const runBatch = run.runBatch ?? runAtOnce;
  const stopped = (): boolean => signal?.aborted === true || !db.open;
  const wal = new WalKeeper(db, run.budgetMs);
  // The size aimed at the step budget, and the size asked for: smaller when a checkpoint is near.
  let aimed = FIRST_BATCH;
  try {
    while (!stopped()) {
      const asked = Math.min(aimed, wal.maxBatchRows());
      const step = await runBatch(() => (stopped() ? null : timedDelete(queries, now, asked)));
      if (step === null) break;
      tally.deleted += step.deleted;
      wal.deleted(step.deleted);
      const done = step.deleted < asked;
      // How long a batch of the aimed size would have taken, from this one's pace.
      aimed = nextBatchRows(aimed, (step.ms * aimed) / Math.max(1, asked), run.budgetMs);
      // A yield after every batch, a checkpoint's included: never two batches in one turn.
      await yieldToEventLoop();
      if (wal.due() && !stopped()) {
        await runBatch(() => (stopped() ? undefined : wal.checkpoint()));
        await yieldToEventLoop();
      }
      if (done) break;
    }
  } finally {
    wal.release();
  }
  return tally.deleted;
}

/** One batch, timed (the commit included: autocommit). */
function timedDelete(
  queries: SessionQueries,
  now: number,
  rows: number,
): { deleted: number; ms: number } {
  const started = performance.now();
  const deleted = queries.deleteExpired(now, rows);
  return { deleted, ms: performance.now() - started };
}

/** The size of the next delete batch, aimed at the budget from how long the last one took. */
export function nextBatchRows(rows: number, elapsedMs: number, budgetMs: number): number {
  return aimAtBudget(rows, elapsedMs, budgetMs, BATCH_BOUNDS);
}

/** Without a queue, a batch runs as soon as the loop reaches it. */
function runAtOnce<T>(batch: () => T): Promise<T> {
  return new Promise<T>((resolve) => resolve(batch()));
}
