import { describe, expect, it } from 'vitest';
import { GENERIC_ERROR_MESSAGE, INVOKE_CHANNELS } from '../../../src/contract/contract';
import { contentHash } from '../../helpers/drill-helpers';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

const SESSION_ID = '3b241101-e2bb-4255-8caf-4136c566a962';
const big = 'x'.repeat(5000);

const invalid: Array<[string, unknown]> = [
  ['auth:login', undefined],
  ['auth:login', null],
  ['auth:login', 'ada'],
  ['auth:login', []],
  ['auth:login', { username: 'ada' }],
  ['auth:login', { username: 'ada', password: PASSWORD, extra: 1 }],
  ['auth:login', { username: 'ada', password: PASSWORD, rememberMe: 'yes' }],
  ['auth:login', { username: 42, password: PASSWORD }],
  ['auth:login', { username: 'ada', password: big }],
  ['auth:login', { username: big, password: PASSWORD }],
  [
    'auth:login',
    JSON.parse(`{"username":"ada","password":"${PASSWORD}","__proto__":{"admin":true}}`),
  ],
  ['auth:register', { username: '', password: PASSWORD }],
  ['auth:register', { username: 'ada', password: '' }],
  ['auth:validate', { token: 'x' }],
  ['auth:validate', null],
  ['auth:logout', { all: true }],
  ['auth:sessions', 7],
  ['auth:revoke-session', {}],
  ['auth:revoke-session', { sessionId: SESSION_ID.toUpperCase() }],
  ['auth:revoke-session', { sessionId: `${SESSION_ID}.${'A'.repeat(43)}` }],
  ['auth:revoke-session', { sessionId: SESSION_ID, password: 5 }],
  ['auth:revoke-other-sessions', { password: null }],
  ['auth:change-password', { currentPassword: PASSWORD }],
  [
    'auth:change-password',
    { currentPassword: PASSWORD, newPassword: 'a new passphrase!', signOutOtherSessions: 1 },
  ],
  ['auth:unknown', {}],
  ['auth:login ', {}],
  ['__proto__', {}],
  ['constructor', {}],
];

describe('invalid input', () => {
  it('gets INVALID_INPUT on every channel and changes nothing', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const before = contentHash(profile.dir);
    const covered = new Set<string>();
    for (const [channel, payload] of invalid) {
      const result = await runtime.invoke(channel, payload);
      expect(result, `${channel} ${JSON.stringify(payload)?.slice(0, 80)}`).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      if (!result.ok) expect(result.error.message.length).toBeLessThanOrEqual(200);
      covered.add(channel);
    }
    expect(contentHash(profile.dir)).toBe(before);
    for (const channel of INVOKE_CHANNELS) expect(covered.has(channel), channel).toBe(true);
    expect(runtime.getState().authenticated).toBe(true);
  });

  it('never echoes a submitted value in the error message', async () => {
    const runtime = await new TestProfile().start();
    const result = await runtime.invoke('auth:login', {
      username: 'ada',
      password: PASSWORD,
      secretField: PASSWORD,
    });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });

  it('turns an unexpected failure into INTERNAL with a generic message, logged without the payload', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    // Break the database under the runtime, from another connection: a real failure, not a mock.
    profile.openDb().exec('DROP TABLE login_throttle');
    const result = await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: GENERIC_ERROR_MESSAGE },
    });
    const logged = profile.logger.lines.find(
      (l) => l.level === 'error' && l.message === 'request failed',
    );
    expect(logged?.fields).toMatchObject({ channel: 'auth:login' });
    expect(profile.logger.text()).not.toContain(PASSWORD);
  });
});
