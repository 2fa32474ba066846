/**
 * The profile feature end to end through the runtime: the display-name rule on the wire, the
 * stored name across a restart, and an audit event that says a name changed without saying it.
 */
import { describe, expect, it } from 'vitest';
import { protectProfile } from '../../../src/core/profile/protect-profile';
import { PROFILE_CHANNELS } from '../../../src/contract/profile-channels';
import { displayNameProblem } from '../../../src/contract/profile-rules';
import { auditRows } from '../../helpers/audit';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

async function start(profile = new TestProfile()) {
  const runtime = await profile.start({ appChannels: PROFILE_CHANNELS });
  protectProfile(runtime);
  return runtime;
}

describe('profile channels', () => {
  it('start with no display name, store a trimmed one, and keep it across a restart', async () => {
    const profile = new TestProfile();
    let runtime = await start(profile);
    expect(await runtime.invoke('profile:get', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHENTICATED' },
    });
    await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    expect(await runtime.invoke('profile:get', {})).toEqual({
      ok: true,
      value: { displayName: null },
    });
    expect(await runtime.invoke('profile:update', { displayName: '  Ada Lovelace \n' })).toEqual({
      ok: true,
      value: { displayName: 'Ada Lovelace' },
    });
    await runtime.close();
    runtime = await start(profile);
    expect(await runtime.invoke('profile:get', {})).toEqual({
      ok: true,
      value: { displayName: 'Ada Lovelace' },
    });
  });

  it.each([
    ['empty', '', /Enter a display name/],
    ['only spaces', '   \t ', /Enter a display name/],
    ['101 characters', 'a'.repeat(101), /at most 100/],
    ['a control character', 'Ada\u0007', /control/],
    ['a line break inside', 'Ada\nLovelace', /control/],
    ['a direction override', 'Ada\u202Eecalevol', /direction/],
    ['a lone surrogate', 'Ada \uD83D', /broken character/],
    ['a number', 42, /expected string/i],
  ])('refuse %s as INVALID_INPUT on the displayName field', async (_name, displayName, words) => {
    const runtime = await start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const result = await runtime.invoke('profile:update', { displayName } as never);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!result.ok && result.error.message).toMatch(/^displayName: /);
    expect(!result.ok && result.error.message).toMatch(words);
    expect(await runtime.invoke('profile:get', {})).toMatchObject({ value: { displayName: null } });
  });

  it('accept 100 characters counted as typed (emoji, accents, joiners), and refuse extra keys', async () => {
    const runtime = await start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const hundred = '👩‍💻'.repeat(33) + 'é';
    expect([...hundred].length).toBe(100);
    expect(displayNameProblem(hundred)).toBeNull();
    expect(await runtime.invoke('profile:update', { displayName: hundred })).toMatchObject({
      ok: true,
      value: { displayName: hundred },
    });
    expect(
      await runtime.invoke('profile:update', { displayName: 'x', admin: true } as never),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('keep each user to their own profile', async () => {
    const runtime = await start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.invoke('profile:update', { displayName: 'Ada' });
    await runtime.invoke('auth:register', { username: 'grace', password: PASSWORD });
    expect(await runtime.invoke('profile:get', {})).toMatchObject({ value: { displayName: null } });
    await runtime.invoke('profile:update', { displayName: 'Grace' });
    await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD });
    expect(await runtime.invoke('profile:get', {})).toMatchObject({
      value: { displayName: 'Ada' },
    });
  });

  it('audit profile-changed with what changed, never the name itself; the same name again is no change', async () => {
    const profile = new TestProfile();
    const runtime = await start(profile);
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.invoke('profile:update', { displayName: 'Augusta Ada King' });
    await runtime.invoke('profile:update', { displayName: 'Augusta Ada King' });
    await runtime.invoke('profile:update', { displayName: 'Countess of Lovelace' });
    await runtime.close();
    const all = auditRows(profile.openDb());
    const rows = all.filter((row) => row.event === 'profile-changed');
    expect(rows.map((row) => JSON.parse(row.details))).toEqual([
      { field: 'display-name', change: 'set' },
      { field: 'display-name', change: 'replaced' },
    ]);
    expect(rows.every((row) => row.user_id === 1 && row.session_id !== null)).toBe(true);
    const everything = JSON.stringify(all);
    expect(everything).not.toContain('Augusta');
    expect(everything).not.toContain('Lovelace');
  });
});
