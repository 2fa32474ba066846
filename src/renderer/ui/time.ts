/**
 * Relative times with the exact time on hover and on keyboard focus: a `<time>` that can take
 * focus, whose exact time is a tooltip tied by `aria-describedby`, so a screen reader hears both.
 * {@link refreshTimes} rewrites the words as the page clock moves.
 */
import { h, uid } from '../dom';
import { formatDateTime, formatRelative } from '../text/time';

/** How often screens that show relative times rewrite them. */
export const TIME_REFRESH_MS = 30_000;

/** The words of each relative time, so {@link refreshTimes} can rewrite them. */
const timeWords = new WeakMap<HTMLElement, { ms: number; words: (relative: string) => string }>();

/**
 * A `<time>` showing `words(relative)` ("Active 3 minutes ago"), the exact time in a tooltip.
 * `words` gets the relative phrase ("3 minutes ago", "in 12 hours").
 */
export function relativeTime(
  ms: number,
  now: number,
  words: (relative: string) => string,
  testId?: string,
): HTMLElement {
  const tipId = uid('time-tip');
  const time = h(
    'time',
    {
      class: 'reltime',
      datetime: new Date(ms).toISOString(),
      tabindex: '0',
      'aria-describedby': tipId,
      'data-testid': testId,
      'data-value': ms,
    },
    words(formatRelative(ms, now)),
  );
  timeWords.set(time, { ms, words });
  // The tooltip is a sibling, not a child, so the time's own text stays just the words.
  return h(
    'span',
    { class: 'reltime-wrap' },
    time,
    h('span', { id: tipId, class: 'tooltip', role: 'tooltip' }, formatDateTime(ms)),
  );
}

/** Rewrites every relative time under `root` for `now`. */
export function refreshTimes(root: HTMLElement, now: number): void {
  for (const element of root.querySelectorAll<HTMLElement>('time.reltime')) {
    const entry = timeWords.get(element);
    if (entry) element.textContent = entry.words(formatRelative(entry.ms, now));
  }
}

/** Calls `refresh` every {@link TIME_REFRESH_MS}; returns a function that stops it. */
export function every(ms: number, refresh: () => void): () => void {
  const timer = setInterval(refresh, ms);
  return () => clearInterval(timer);
}
