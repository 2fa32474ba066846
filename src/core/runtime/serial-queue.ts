/**
 * Runs tasks one at a time, in order, so that a sign-in, a sign-out, a timer's check and a
 * cleanup batch never interleave inside the runtime. A failed task does not stop the queue.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task`; resolves or rejects with its outcome. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => {});
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  drain(): Promise<void> {
    return this.tail.then(() => {});
  }
}
