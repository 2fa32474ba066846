import { performance } from 'node:perf_hooks';

/** The median of `values` (the mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Microseconds per call of `op` over `iterations` calls (one round). */
export function timeSync(op: (i: number) => unknown, iterations: number): number {
  let sink = 0;
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) {
    // Keep the result alive so the call cannot be optimised away.
    if (op(i) === sink) sink += 1;
  }
  const elapsed = performance.now() - started;
  if (sink === -1) console.log('unreachable');
  return (elapsed * 1000) / iterations;
}

/** Microseconds per awaited call of `op` over `iterations` sequential calls (one round). */
export async function timeAsync(
  op: (i: number) => Promise<unknown>,
  iterations: number,
): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) await op(i);
  return ((performance.now() - started) * 1000) / iterations;
}

/**
 * Records the longest stretch the event loop was kept busy while `work` runs: a chain of
 * `setImmediate` callbacks notes the time between consecutive turns, so any synchronous block
 * longer than one turn shows up as a gap, whoever caused it.
 */
export async function longestBlockDuring<T>(
  work: () => Promise<T>,
): Promise<{ result: T; longestBlockMs: number; turns: number; gaps: Array<[number, number]> }> {
  let running = true;
  const started = performance.now();
  let last = started;
  let longest = 0;
  let turns = 0;
  const gaps: Array<[number, number]> = [];
  const tick = (): void => {
    const now = performance.now();
    if (now - last > 10) gaps.push([Math.round(last - started), now - last]);
    longest = Math.max(longest, now - last);
    last = now;
    turns += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work();
  running = false;
  tick();
  return { result, longestBlockMs: longest, turns, gaps };
}

/** Formats a number with a fixed count of decimals and thousands separators. */
export function fmt(value: number, decimals = 2): string {
  return value.toLocaleString('en-US', {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
}
