/**
 * Time in words: waits, countdowns, relative times ("3 minutes ago") and exact times for
 * tooltips. Pure (no DOM, no clock of its own: `now` is passed in), so it is unit-tested.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** "30 seconds", "2 minutes", "1 hour 5 minutes": rounded up, never "0 seconds". */
export function formatDuration(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return plural(minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? plural(hours, 'hour') : `${plural(hours, 'hour')} ${plural(rest, 'minute')}`;
}

/** A session's whole length, to the nearest unit: "30 days", "36 hours", "45 minutes". */
export function formatLifetime(ms: number): string {
  if (ms >= 2 * DAY) return plural(Math.round(ms / DAY), 'day');
  if (ms >= 2 * HOUR) return plural(Math.round(ms / HOUR), 'hour');
  return plural(Math.max(1, Math.round(ms / MINUTE)), 'minute');
}

/**
 * A ticking wait, to the second: "25 seconds", "1 minute 40 seconds", "15 minutes". Rounded up,
 * so it reads "1 second" until the wait is really over.
 */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return plural(seconds, 'second');
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0
    ? plural(minutes, 'minute')
    : `${plural(minutes, 'minute')} ${plural(rest, 'second')}`;
}

/** A date and time in the user's locale, e.g. "Jan 15, 2026, 9:00:00 AM". */
export function formatDateTime(ms: number, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }).format(
    new Date(ms),
  );
}

/**
 * "in 12 hours", "5 minutes ago", "just now". Minutes below an hour, hours below two days (a
 * session that ends "tomorrow" could end in one hour or in 47), days beyond.
 */
export function formatRelative(ms: number, now: number, locale?: string): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  if (abs < MINUTE) return diff > 0 ? 'in less than a minute' : 'just now';
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
  if (abs < HOUR) return rtf.format(Math.round(diff / MINUTE), 'minute');
  if (abs < 2 * DAY) return rtf.format(Math.round(diff / HOUR), 'hour');
  return rtf.format(Math.round(diff / DAY), 'day');
}
