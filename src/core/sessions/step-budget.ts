/**
 * How big the next piece of a long job should be, from how long the last piece took: the work of
 * a batch grows with its size, so scaling the size by budget / elapsed aims the next piece at the
 * budget. At most doubled or halved at a time, so one piece slowed by something else (another
 * process on the disk, a garbage collection) cannot swing it wildly.
 */
export function aimAtBudget(
  size: number,
  elapsedMs: number,
  budgetMs: number,
  bounds: { min: number; max: number },
): number {
  const scale = Math.min(2, Math.max(0.5, budgetMs / Math.max(elapsedMs, 0.01)));
  return Math.round(Math.min(bounds.max, Math.max(bounds.min, size * scale)));
}
