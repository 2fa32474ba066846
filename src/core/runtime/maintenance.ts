import { describeError } from '../errors/describe-error';
import type { Logger } from '../ports';

/** What {@link Maintenance} runs, and how often. */
export interface MaintenanceTasks {
  /** Re-checks the current session (another process may have revoked it; it may have expired). */
  recheck(): Promise<unknown>;
  /** Deletes expired sessions and stale failure records; resolves with how many sessions. */
  cleanup(signal: AbortSignal): Promise<number>;
  /** Verifies the audit chain once, after startup. */
  verify(): Promise<void>;
  recheckEveryMs: number;
  cleanupEveryMs: number;
  logger: Logger;
}

/**
 * The runtime's background work: a frequent re-check of the current session, a cleanup at startup
 * and then periodically, and one audit verification after startup. Timers are `unref`'d (they
 * never keep the process alive) and stop on {@link stop}; at most one cleanup runs at a time, and
 * a stop interrupts it between batches.
 */
export class Maintenance {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly stopping = new AbortController();
  private cleaning: Promise<number> | null = null;

  constructor(private readonly tasks: MaintenanceTasks) {}

  start(): void {
    this.every(this.tasks.recheckEveryMs, () => void this.tasks.recheck());
    this.every(this.tasks.cleanupEveryMs, () => void this.cleanup());
    setImmediate(() => void this.cleanup());
    setImmediate(() => void this.verify());
  }

  /** Runs a cleanup now, or joins the one already running. Never rejects. */
  cleanup(): Promise<number> {
    if (this.stopping.signal.aborted) return Promise.resolve(0);
    this.cleaning ??= this.tasks
      .cleanup(this.stopping.signal)
      .catch((error: unknown) => {
        if (!this.stopping.signal.aborted)
          this.tasks.logger.error('cleanup failed', { error: describeError(error) });
        return 0;
      })
      .finally(() => {
        this.cleaning = null;
      });
    return this.cleaning;
  }

  /** Stops the timers and waits for a running cleanup to stop between batches. */
  async stop(): Promise<void> {
    this.stopping.abort();
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.cleaning;
  }

  private async verify(): Promise<void> {
    if (this.stopping.signal.aborted) return;
    try {
      await this.tasks.verify();
    } catch (error) {
      if (!this.stopping.signal.aborted)
        this.tasks.logger.error('audit log verification could not run', {
          error: describeError(error),
        });
    }
  }

  private every(ms: number, task: () => void): void {
    const timer = setInterval(task, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
