import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
  formatDateTime,
  formatDuration,
  formatLifetime,
  formatRelative,
} from '../../../src/renderer/text/time';

const NOW = Date.UTC(2026, 0, 15, 9, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('formatDuration', () => {
  it('rounds waits up and never says zero', () => {
    expect(formatDuration(0)).toBe('1 second');
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(29_001)).toBe('30 seconds');
    expect(formatDuration(30_000)).toBe('30 seconds');
    expect(formatDuration(60_000)).toBe('1 minute');
    expect(formatDuration(61_000)).toBe('2 minutes');
    expect(formatDuration(15 * MINUTE)).toBe('15 minutes');
    expect(formatDuration(HOUR)).toBe('1 hour');
    expect(formatDuration(65 * MINUTE)).toBe('1 hour 5 minutes');
  });
});

describe('formatLifetime', () => {
  it('says a session length in days, hours or minutes, to the nearest', () => {
    expect(formatLifetime(30 * 24 * HOUR)).toBe('30 days');
    expect(formatLifetime(14 * 24 * HOUR)).toBe('14 days');
    expect(formatLifetime(48 * HOUR)).toBe('2 days');
    expect(formatLifetime(48 * HOUR - 1)).toBe('48 hours');
    expect(formatLifetime(36 * HOUR)).toBe('36 hours');
    expect(formatLifetime(2 * HOUR - 1)).toBe('120 minutes');
    expect(formatLifetime(45 * MINUTE)).toBe('45 minutes');
    expect(formatLifetime(1)).toBe('1 minute');
  });
});

describe('formatCountdown', () => {
  it('ticks to the second, rounded up, so it never reads "0 seconds"', () => {
    expect(formatCountdown(30_000)).toBe('30 seconds');
    expect(formatCountdown(29_999)).toBe('30 seconds');
    expect(formatCountdown(29_000)).toBe('29 seconds');
    expect(formatCountdown(1_000)).toBe('1 second');
    expect(formatCountdown(1)).toBe('1 second');
    expect(formatCountdown(0)).toBe('1 second');
  });

  it('says minutes and seconds for longer waits', () => {
    expect(formatCountdown(60_000)).toBe('1 minute');
    expect(formatCountdown(100_000)).toBe('1 minute 40 seconds');
    expect(formatCountdown(121_000)).toBe('2 minutes 1 second');
    expect(formatCountdown(15 * MINUTE)).toBe('15 minutes');
  });
});

describe('formatRelative', () => {
  it('says "just now" and "in less than a minute" within a minute', () => {
    expect(formatRelative(NOW, NOW, 'en-US')).toBe('just now');
    expect(formatRelative(NOW - 59_000, NOW, 'en-US')).toBe('just now');
    expect(formatRelative(NOW + 10_000, NOW, 'en-US')).toBe('in less than a minute');
  });

  it('uses minutes below an hour, hours below two days, days beyond', () => {
    expect(formatRelative(NOW - 3 * MINUTE, NOW, 'en-US')).toBe('3 minutes ago');
    expect(formatRelative(NOW - MINUTE, NOW, 'en-US')).toBe('1 minute ago');
    expect(formatRelative(NOW + 12 * HOUR, NOW, 'en-US')).toBe('in 12 hours');
    // Not "tomorrow": a session that ends "tomorrow" could end in one hour or in 47.
    expect(formatRelative(NOW + 24 * HOUR, NOW, 'en-US')).toBe('in 24 hours');
    expect(formatRelative(NOW - 47 * HOUR, NOW, 'en-US')).toBe('47 hours ago');
    expect(formatRelative(NOW + 7 * 24 * HOUR, NOW, 'en-US')).toBe('in 7 days');
    expect(formatRelative(NOW + 30 * 24 * HOUR, NOW, 'en-US')).toBe('in 30 days');
  });

  it('rounds to the nearest unit', () => {
    expect(formatRelative(NOW - 3 * MINUTE - 29_000, NOW, 'en-US')).toBe('3 minutes ago');
    expect(formatRelative(NOW - 3 * MINUTE - 31_000, NOW, 'en-US')).toBe('4 minutes ago');
  });
});

describe('formatDateTime', () => {
  it('gives the exact time, to the second, in the locale', () => {
    // The e2e runs use timezoneId UTC; here the machine's zone decides the hour, so only the
    // shape is checked.
    expect(formatDateTime(NOW, 'en-US')).toMatch(/^Jan 1[45], 2026, \d{1,2}:\d{2}:\d{2}\s?[AP]M$/);
  });
});
