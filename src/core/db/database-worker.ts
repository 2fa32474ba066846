import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/** What one checkpoint did (SQLite's `PRAGMA wal_checkpoint` row). */
export interface CheckpointResult {
  /** True when another connection kept part of the WAL from being copied. */
  busy: boolean;
  /** Frames in the WAL. */
  log: number;
  /** Frames copied into the database so far. */
  checkpointed: number;
}

/** What one {@link DatabaseWorker.deleteSlice} did. */
export interface DeleteSliceResult {
  deleted: number;
  /** True when the last batch came back short: nothing matched any more. */
  done: boolean;
}

// Runs in the worker: its own connection to the same file. Plain CommonJS so that it needs no
// build step under tsx, vitest or the bundled Electron main.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
// This connection checkpoints on request only, and works on big batches: a larger page cache.
db.pragma('wal_autocheckpoint = 0');
db.pragma('cache_size = -65536');
const statements = new Map();
function checkpoint(mode) {
  const row = db.pragma('wal_checkpoint(' + mode + ')')[0] || {};
  return { busy: row.busy === 1, log: row.log, checkpointed: row.checkpointed };
}
function deleteSlice(message) {
  let statement = statements.get(message.sql);
  if (!statement) {
    statement = db.prepare(message.sql);
    statements.set(message.sql, statement);
  }
  const started = performance.now();
  let deleted = 0;
  let done = false;
  db.exec('BEGIN IMMEDIATE');
  try {
    do {
      const changes = statement.run(message.now, message.batch).changes;
      deleted += changes;
      if (changes < message.batch) done = true;
    } while (!done && performance.now() - started < message.sliceMs);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  checkpoint('PASSIVE');
  return { deleted, done };
}
parentPort.on('message', (message) => {
  if (message.close) {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const value = message.type === 'delete' ? deleteSlice(message) : checkpoint(message.mode);
    parentPort.postMessage({ id: message.id, ok: true, value });
  } catch (error) {
    parentPort.postMessage({
      id: message.id,
      ok: false,
      error: String((error && error.message) || error),
      code: error && error.code,
    });
  }
});
parentPort.postMessage({ ready: true });
`;

/** Where the already-loaded better-sqlite3 lives, so the worker loads the very same copy. */
function betterSqlite3Entry(): string | null {
  const req = createRequire(path.join(process.cwd(), 'noop.js'));
  for (const key of Object.keys(req.cache)) {
    if (/[\\/]better-sqlite3[\\/]lib[\\/]index\.js$/.test(key)) return key;
  }
  try {
    return req.resolve('better-sqlite3');
  } catch {
    return null;
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * A worker thread with its own connection to the database, for the work that cannot be cut
 * into few-millisecond pieces on the main thread: bulk deletes whose commits rewrite thousands
 * of index pages, and WAL checkpoints with their fsyncs. The main thread only posts messages
 * and awaits the answers, so its event loop keeps turning.
 */
export class DatabaseWorker {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on(
      'message',
      (message: { id?: number; ok?: boolean; value?: unknown; error?: string; code?: string }) => {
        if (message.id === undefined) return;
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (this.pending.size === 0) worker.unref();
        if (message.ok) waiter.resolve(message.value);
        else
          waiter.reject(
            Object.assign(new Error(message.error ?? 'database worker failed'), {
              code: message.code,
            }),
          );
      },
    );
    const fail = (error: Error): void => {
      this.failure ??= error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', () => fail(new Error('the database worker stopped')));
  }

  /**
   * Starts a worker with its own connection to `file`. Resolves null when that is impossible
   * here (no worker threads, better-sqlite3 not loadable in a worker); callers then do the work
   * on their own thread.
   */
  static async start(
    file: string,
    options: { busyTimeoutMs?: number } = {},
  ): Promise<DatabaseWorker | null> {
    const entry = betterSqlite3Entry();
    if (!entry || file === '' || file === ':memory:') return null;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: { module: entry, file, busyTimeoutMs: options.busyTimeoutMs ?? 5000 },
      });
    } catch {
      return null;
    }
    worker.unref();
    const ready = await new Promise<boolean>((resolve) => {
      worker.once('message', (message: { ready?: boolean }) => resolve(message.ready === true));
      worker.once('error', () => resolve(false));
      worker.once('exit', () => resolve(false));
    });
    if (!ready) {
      await worker.terminate().catch(() => 0);
      return null;
    }
    return new DatabaseWorker(worker);
  }

  /** Runs `PRAGMA wal_checkpoint(<mode>)` on the worker's connection. */
  checkpoint(mode: 'PASSIVE' | 'TRUNCATE' = 'PASSIVE'): Promise<CheckpointResult> {
    return this.call({ type: 'checkpoint', mode }) as Promise<CheckpointResult>;
  }

  /**
   * In one write transaction, runs `sql` (a DELETE taking `(now, batch)`) again and again until
   * a run deletes fewer than `batch` rows or `sliceMs` has passed; commits; then checkpoints
   * the WAL. Holds the write lock for about `sliceMs`.
   */
  deleteSlice(input: {
    sql: string;
    now: number;
    batch: number;
    sliceMs: number;
  }): Promise<DeleteSliceResult> {
    return this.call({ type: 'delete', ...input }) as Promise<DeleteSliceResult>;
  }

  /** Closes the worker's connection and stops the worker. */
  async close(): Promise<void> {
    if (this.failure) return;
    this.failure = new Error('the database worker was closed');
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    // Keep the process alive until the worker has closed its connection.
    this.worker.ref();
    this.worker.postMessage({ close: true });
    const timer = setTimeout(() => void this.worker.terminate().catch(() => 0), 5000);
    timer.unref();
    await exited;
    clearTimeout(timer);
  }

  private call(message: Record<string, unknown>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // An idle worker does not keep the process alive; one with work in flight does.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }
}
