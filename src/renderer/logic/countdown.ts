/**
 * The arithmetic of a lock-out countdown, kept apart from the timer that drives it: how much
 * is left, and when the shown number of seconds next changes. Pure, so it is unit-tested.
 */

/** Milliseconds left until `deadline`, never negative. */
export function remainingMs(deadline: number, now: number): number {
  return Math.max(0, deadline - now);
}

/**
 * How long until the next tick: the wait is shown rounded up to the second, so the shown value
 * changes when `remaining` crosses a whole second. 0 when the wait is over.
 */
export function nextTickDelay(remaining: number): number {
  if (remaining <= 0) return 0;
  return remaining % 1000 || 1000;
}
