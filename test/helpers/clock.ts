import type { Clock } from '../../src/core/ports';

/** A clock the test moves by hand; counts how often it is read. */
export class ManualClock implements Clock {
  reads = 0;
  constructor(public time = Date.UTC(2026, 0, 15, 9, 0, 0)) {}
  now(): number {
    this.reads += 1;
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
  set(time: number): void {
    this.time = time;
  }
}
