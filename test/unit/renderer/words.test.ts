import { describe, expect, it } from 'vitest';
import {
  PASSWORD_RULE,
  passwordProblem,
  USERNAME_RULE,
  usernameProblem,
} from '../../../src/contract/account-rules';
import type { SignedOutReason, StorageStatus } from '../../../src/contract/contract';
import { unreachableText, UNREACHABLE_ERROR } from '../../../src/renderer/text/connection';
import {
  BAD_CREDENTIALS_TEXT,
  confirmationError,
  fieldForError,
  newPasswordError,
  newUsernameError,
  withoutFieldPath,
} from '../../../src/renderer/text/errors';
import { signedOutMessage } from '../../../src/renderer/text/reasons';
import {
  rememberLabel,
  rememberUnavailableHint,
  storageNotice,
} from '../../../src/renderer/text/storage';

const ALL_REASONS: SignedOutReason[] = [
  'not-signed-in',
  'signed-out',
  'expired',
  'idle-timeout',
  'revoked',
  'revoked-by-admin',
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

  it('explains every other reason as a warning, in distinct words', () => {
    const texts = ALL_REASONS.filter((r) => r !== 'not-signed-in' && r !== 'signed-out').map(
      (r) => {
        const message = signedOutMessage(r);
        expect(message?.tone, r).toBe('warning');
        return message?.text ?? '';
      },
    );
    for (const text of texts) expect(text.length).toBeGreaterThan(30);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('uses the user’s terms', () => {
    expect(signedOutMessage('expired')?.text).toMatch(/^Your session expired/);
    expect(signedOutMessage('idle-timeout')?.text).toMatch(
      /^Your session expired after a period of inactivity/,
    );
    expect(signedOutMessage('revoked')?.text).toBe(
      'You were signed out from another of your sessions.',
    );
    expect(signedOutMessage('revoked-by-admin')?.text).toMatch(/^An administrator signed you out/);
    expect(signedOutMessage('password-changed')?.text).toMatch(/because your password changed/);
    expect(signedOutMessage('storage-unavailable')?.text).toMatch(/Unlock it/);
    for (const reason of ALL_REASONS) {
      const text = signedOutMessage(reason)?.text ?? '';
      // No jargon a user would not know.
      expect(text, reason).not.toMatch(/token|backend|safeStorage|revoke|session\.enc/i);
    }
  });

  it('still says something for a reason it does not know', () => {
    expect(signedOutMessage('something-new' as SignedOutReason)?.text).toMatch(/signed out/);
  });
});

describe('storage notices', () => {
  const none: StorageStatus = { persistent: false, backend: 'unknown', reason: 'unavailable' };
  const weak: StorageStatus = { persistent: false, backend: 'basic_text', reason: 'weak-backend' };

  it('are silent when sessions can be kept', () => {
    expect(storageNotice({ persistent: true, backend: 'gnome_libsecret' })).toBeNull();
    expect(rememberUnavailableHint({ persistent: true, backend: 'keychain' })).toBeNull();
  });

  it('say what it means and what to do, in plain words', () => {
    for (const status of [none, weak]) {
      const notice = storageNotice(status);
      expect(notice?.title).toBe('You will need to sign in each time you start the app');
      expect(notice?.fix).toMatch(/unlock your system keyring \(or install one/);
      // Never the backend's code name.
      expect(`${notice?.text} ${notice?.fix}`).not.toMatch(/basic_text|unknown|weak key store/);
    }
    expect(storageNotice(none)?.text).toContain('could not find a keyring');
    expect(storageNotice(weak)?.text).toContain('only offers a basic password store');
    expect(rememberUnavailableHint(none)).toMatch(/^Not available: no keyring was found/);
    expect(rememberUnavailableHint(weak)).toMatch(/^Not available: .*basic password store/);
  });

  it('name the host’s remembered lifetime on the checkbox, and no number when it is unknown', () => {
    expect(rememberLabel(30 * 24 * 3_600_000)).toBe('Keep me signed in for 30 days');
    expect(rememberLabel(14 * 24 * 3_600_000)).toBe('Keep me signed in for 14 days');
    expect(rememberLabel(undefined)).toBe('Keep me signed in');
  });
});

describe('checks before submitting use the server’s words', () => {
  it('username: the core’s rule, word for word', () => {
    expect(newUsernameError('')).toBe('Enter a username.');
    for (const bad of ['ab', ' grace2', 'grace 2', 'émile', '-lead', 'x'.repeat(65)]) {
      expect(newUsernameError(bad)).toBe(USERNAME_RULE);
      expect(newUsernameError(bad)).toBe(usernameProblem(bad));
    }
    expect(newUsernameError('grace.hopper+1@navy')).toBeNull();
  });

  it('password: the core’s rule, word for word, lone surrogates included', () => {
    expect(newPasswordError('')).toBe('Enter a password.');
    for (const bad of [
      'eleven char',
      'p'.repeat(1025),
      `${'a'.repeat(12)}\uD83D`,
      '\uDD11'.repeat(12),
    ]) {
      expect(newPasswordError(bad)).toBe(passwordProblem(bad));
      expect(newPasswordError(bad)).not.toBeNull();
    }
    expect(newPasswordError('🔑🔑🔑 and more')).toBeNull();
    expect(PASSWORD_RULE).toContain('12 to 1024 characters');
  });

  it('confirmation', () => {
    expect(confirmationError('a', '')).toBe('Enter the password again to confirm it.');
    expect(confirmationError('a', 'b')).toBe('The passwords do not match.');
    expect(confirmationError('a', 'a')).toBeNull();
  });

  it('one message for any failed sign-in', () => {
    expect(BAD_CREDENTIALS_TEXT).toBe('Incorrect username or password.');
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
    expect(fieldForError('INVALID_INPUT', USERNAME_RULE, byCode, prefixes, 'username')).toBe(
      'username',
    );
    expect(
      fieldForError('INVALID_INPUT', 'rememberMe: Expected boolean', byCode, prefixes),
    ).toBeNull();
  });

  it('leaves form-wide errors to the form, and strips field paths for display', () => {
    expect(fieldForError('INTERNAL', 'Something went wrong.', byCode, prefixes)).toBeNull();
    expect(fieldForError('RATE_LIMITED', 'Too many failed attempts.', byCode, prefixes)).toBeNull();
    expect(withoutFieldPath('newPassword: Password is too long')).toBe('Password is too long');
    expect(withoutFieldPath('That username is taken.')).toBe('That username is taken.');
  });
});

describe('the unreachable banner', () => {
  it('names what is gone and what to do, for the app and for the preview', () => {
    expect(unreachableText(false).title).toBe('Justice Companion is not responding');
    expect(unreachableText(false).text).toMatch(/restart the app/);
    expect(unreachableText(true).title).toBe('The preview host is not responding');
    expect(unreachableText(true).text).toMatch(/npm run preview/);
    expect(UNREACHABLE_ERROR).toMatch(/not responding/);
  });
});
