import { describe, expect, it } from 'vitest';
import type { SignedOutReason } from '../../src/shared/contract';
import {
  fieldForError,
  formatDuration,
  formatRelative,
  lockoutMessage,
  passwordLength,
  passwordProblem,
  rememberUnavailableHint,
  signedOutMessage,
  storageNotice,
  withoutFieldPath,
} from '../../src/renderer/messages';

const ALL_REASONS: SignedOutReason[] = [
  'not-signed-in',
  'signed-out',
  'expired',
  'idle-timeout',
  'revoked',
  'password-changed',
  'account-disabled',
  'device-locked',
  'storage-changed',
  'storage-unavailable',
  'restore-failed',
];

describe('signedOutMessage', () => {
  it('says nothing when nobody signed in yet, and nothing alarming after a sign-out', () => {
    expect(signedOutMessage('not-signed-in')).toBeNull();
    expect(signedOutMessage('signed-out')).toEqual({ text: 'You have signed out.', tone: 'info' });
  });

  it('explains every other reason as a warning', () => {
    for (const reason of ALL_REASONS.filter((r) => r !== 'not-signed-in' && r !== 'signed-out')) {
      const message = signedOutMessage(reason);
      expect(message?.tone, reason).toBe('warning');
      expect(message?.text.length, reason).toBeGreaterThan(20);
    }
  });

  it('uses the words the design asks for', () => {
    expect(signedOutMessage('expired')?.text).toMatch(/^Your session expired/);
    expect(signedOutMessage('idle-timeout')?.text).toMatch(
      /^Your session expired after a period of inactivity/,
    );
    expect(signedOutMessage('revoked')?.text).toBe('You were signed out from another session.');
    expect(signedOutMessage('password-changed')?.text).toBe(
      'You were signed out because your password changed.',
    );
    expect(signedOutMessage('storage-changed')?.text).toBe(
      'Secure storage on this computer changed, so you need to sign in again.',
    );
  });

  it('gives distinct messages for distinct reasons', () => {
    const texts = ALL_REASONS.map((r) => signedOutMessage(r)?.text ?? '').filter(Boolean);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('still says something for a reason it does not know', () => {
    expect(signedOutMessage('something-new' as SignedOutReason)?.text).toMatch(/signed out/);
  });
});

describe('storageNotice', () => {
  it('is silent when sessions can be kept', () => {
    expect(storageNotice({ persistent: true, backend: 'gnome_libsecret' })).toBeNull();
    expect(rememberUnavailableHint({ persistent: true, backend: 'keychain' })).toBeNull();
  });

  it('names the reason in plain words', () => {
    const none = storageNotice({ persistent: false, backend: 'unknown', reason: 'unavailable' });
    expect(none).toContain('no secure storage on this computer');
    const weak = storageNotice({
      persistent: false,
      backend: 'basic_text',
      reason: 'weak-backend',
    });
    expect(weak).toContain('only offers a weak key store');
    expect(weak).toContain('basic_text');
    expect(
      rememberUnavailableHint({ persistent: false, backend: 'basic_text', reason: 'weak-backend' }),
    ).toContain('weak key store');
    expect(
      rememberUnavailableHint({ persistent: false, backend: 'unknown', reason: 'unavailable' }),
    ).toContain('no secure storage');
  });
});

describe('password rules', () => {
  it('counts characters as typed (code points), like the core', () => {
    expect(passwordLength('abc')).toBe(3);
    expect(passwordLength('🔑🔑🔑')).toBe(3);
    // 11 emoji are 22 UTF-16 units but 11 characters: too short.
    expect(passwordProblem('🔑'.repeat(11))).toMatch(/at least 12 characters \(this one has 11\)/);
    expect(passwordProblem('🔑'.repeat(12))).toBeNull();
  });

  it('accepts 12 to 1024 characters of anything, spaces included', () => {
    expect(passwordProblem('')).toBe('Enter a password.');
    expect(passwordProblem('a'.repeat(11))).not.toBeNull();
    expect(passwordProblem('            ')).toBeNull();
    expect(passwordProblem('x'.repeat(1024))).toBeNull();
    expect(passwordProblem('x'.repeat(1025))).toBe('Use at most 1024 characters.');
  });
});

describe('fieldForError', () => {
  const byCode = { USERNAME_TAKEN: 'username', WEAK_PASSWORD: 'password' } as const;
  const prefixes = { username: 'username', password: 'password' } as const;

  it('maps codes to fields', () => {
    expect(fieldForError('USERNAME_TAKEN', 'That username is taken.', byCode, prefixes)).toBe(
      'username',
    );
    expect(fieldForError('WEAK_PASSWORD', 'Use at least 12 characters.', byCode, prefixes)).toBe(
      'password',
    );
  });

  it('maps INVALID_INPUT by the field path in front of the message, else the fallback', () => {
    expect(
      fieldForError(
        'INVALID_INPUT',
        'password: Password is too long',
        byCode,
        prefixes,
        'username',
      ),
    ).toBe('password');
    expect(
      fieldForError('INVALID_INPUT', 'username: Enter a username', byCode, prefixes, 'password'),
    ).toBe('username');
    expect(
      fieldForError(
        'INVALID_INPUT',
        'Usernames are 3 to 64 characters',
        byCode,
        prefixes,
        'username',
      ),
    ).toBe('username');
    expect(
      fieldForError('INVALID_INPUT', 'rememberMe: Expected boolean', byCode, prefixes),
    ).toBeNull();
  });

  it('leaves form-wide errors to the form', () => {
    expect(fieldForError('INTERNAL', 'Something went wrong.', byCode, prefixes)).toBeNull();
    expect(fieldForError('RATE_LIMITED', 'Too many failed attempts.', byCode, prefixes)).toBeNull();
  });

  it('strips the field path for display', () => {
    expect(withoutFieldPath('newPassword: Password is too long')).toBe('Password is too long');
    expect(withoutFieldPath('That username is taken.')).toBe('That username is taken.');
  });
});

describe('time words', () => {
  it('rounds waits up and never says zero', () => {
    expect(formatDuration(0)).toBe('1 second');
    expect(formatDuration(1)).toBe('1 second');
    expect(formatDuration(29_001)).toBe('30 seconds');
    expect(formatDuration(30_000)).toBe('30 seconds');
    expect(formatDuration(60_000)).toBe('1 minute');
    expect(formatDuration(61_000)).toBe('2 minutes');
    expect(formatDuration(15 * 60_000)).toBe('15 minutes');
    expect(formatDuration(3_600_000)).toBe('1 hour');
    expect(formatDuration(3_900_000)).toBe('1 hour 5 minutes');
  });

  it('says how long to wait and until when', () => {
    const now = Date.UTC(2026, 0, 15, 9, 0, 0);
    const text = lockoutMessage(30_000, now, 'en-US');
    expect(text).toMatch(/^Too many failed attempts\. Try again in 30 seconds \(at .+\)\.$/);
  });

  it('describes times relative to now', () => {
    const now = Date.UTC(2026, 0, 15, 9, 0, 0);
    expect(formatRelative(now + 12 * 3_600_000, now, 'en-US')).toBe('in 12 hours');
    expect(formatRelative(now + 30 * 86_400_000, now, 'en-US')).toBe('in 30 days');
    expect(formatRelative(now - 5 * 60_000, now, 'en-US')).toBe('5 minutes ago');
    expect(formatRelative(now + 10_000, now, 'en-US')).toBe('in less than a minute');
  });
});
