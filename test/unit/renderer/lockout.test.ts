import { describe, expect, it } from 'vitest';
import {
  accountKey,
  AttemptTracker,
  LOCKOUT_THRESHOLD,
} from '../../../src/renderer/logic/attempts';
import { nextTickDelay, remainingMs } from '../../../src/renderer/logic/countdown';
import {
  countdownText,
  lockedText,
  LOCK_ENDED_TEXT,
  nextFailureWarning,
} from '../../../src/renderer/text/lockout';

describe('countdown arithmetic', () => {
  it('never goes below zero', () => {
    expect(remainingMs(10_000, 4_000)).toBe(6_000);
    expect(remainingMs(10_000, 10_000)).toBe(0);
    expect(remainingMs(10_000, 12_000)).toBe(0);
  });

  it('ticks when the shown (rounded-up) second changes', () => {
    expect(nextTickDelay(30_000)).toBe(1_000);
    expect(nextTickDelay(29_400)).toBe(400);
    expect(nextTickDelay(1)).toBe(1);
    expect(nextTickDelay(0)).toBe(0);
  });

  it('walks a 30 s lock-out second by second, ending at 0', () => {
    const deadline = 30_000;
    const shown: string[] = [];
    let now = 0;
    for (;;) {
      const left = remainingMs(deadline, now);
      if (left === 0) break;
      shown.push(countdownText(left));
      now += nextTickDelay(left);
    }
    expect(shown).toHaveLength(30);
    expect(shown[0]).toBe('Try again in 30 seconds.');
    expect(shown[29]).toBe('Try again in 1 second.');
    expect(now).toBe(deadline);
  });
});

describe('AttemptTracker', () => {
  it('warns after threshold − 1 failures in a row, per account, case-insensitively', () => {
    const t = new AttemptTracker();
    for (let i = 1; i < LOCKOUT_THRESHOLD - 1; i += 1) {
      t.failed('Dave');
      expect(t.next('dave').kind).toBe('none');
    }
    t.failed('DAVE ');
    expect(t.next('dave')).toEqual({ kind: 'last-attempt' });
    expect(t.next('erin')).toEqual({ kind: 'none' });
    expect(accountKey('  Dave ')).toBe('dave');
  });

  it('after a lock-out, says the next failure locks again; a success forgets it all', () => {
    const t = new AttemptTracker();
    t.locked('dave', 30_000, 1_000);
    expect(t.lockedUntil('dave', 1_000)).toBe(31_000);
    expect(t.lockedUntil('dave', 30_999)).toBe(31_000);
    expect(t.lockedUntil('dave', 31_000)).toBe(0);
    expect(t.next('dave')).toEqual({ kind: 'locks-again' });
    t.succeeded('Dave');
    expect(t.next('dave')).toEqual({ kind: 'none' });
    expect(t.lockedUntil('dave', 1_000)).toBe(0);
  });

  it('keeps the lock-out length the core gave with the last answer (a host may configure it)', () => {
    const t = new AttemptTracker();
    t.failed('dave', { attemptsLeft: 2 });
    expect(t.next('dave')).toEqual({ kind: 'none' });
    t.failed('dave', { attemptsLeft: 1, lockoutMs: 45_000 });
    expect(t.next('dave')).toEqual({ kind: 'last-attempt', lockoutMs: 45_000 });
  });

  it('takes a different threshold', () => {
    const t = new AttemptTracker(2);
    t.failed('x');
    expect(t.next('x').kind).toBe('last-attempt');
  });
});

describe('lock-out words', () => {
  it('says what is paused, for sign-in and for password checks', () => {
    expect(lockedText('sign-in')).toBe(
      'Too many failed attempts, so sign-in for this account is paused.',
    );
    expect(lockedText('password-check')).toContain('(signing in too)');
    expect(LOCK_ENDED_TEXT).toBe('You can try again now.');
  });

  it('warns before the attempt that locks, and after a lock-out', () => {
    expect(nextFailureWarning({ kind: 'none' }, 'sign-in')).toBeNull();
    expect(nextFailureWarning({ kind: 'last-attempt', lockoutMs: 30_000 }, 'sign-in')).toBe(
      'One attempt left: one more wrong password pauses sign-in for this account for 30 seconds.',
    );
    expect(nextFailureWarning({ kind: 'last-attempt', lockoutMs: 120_000 }, 'sign-in')).toMatch(
      /for 2 minutes\.$/,
    );
    // Counted by the page alone, the length is not known: no number is made up.
    expect(nextFailureWarning({ kind: 'last-attempt' }, 'sign-in')).toBe(
      'One attempt left: one more wrong password pauses sign-in for this account.',
    );
    expect(nextFailureWarning({ kind: 'last-attempt' }, 'password-check')).toContain(
      'password checks (and sign-in)',
    );
    expect(nextFailureWarning({ kind: 'locks-again' }, 'sign-in')).toMatch(/again, for longer\.$/);
  });
});
