import { describe, expect, it } from 'vitest';
import { foldName, parseLegacyTime, toLegacyAccount } from '../../../src/core/legacy/legacy-rows';

describe('times of the earlier database', () => {
  it.each([
    ['2024-05-06 07:08:09', Date.UTC(2024, 4, 6, 7, 8, 9)],
    ['2024-05-06T07:08:09', Date.UTC(2024, 4, 6, 7, 8, 9)],
    ['2024-05-06T07:08:09.123Z', Date.UTC(2024, 4, 6, 7, 8, 9, 123)],
    ['2024-05-06T07:08:09+02:00', Date.UTC(2024, 4, 6, 5, 8, 9)],
    ['2024-05-06 07:08', Date.UTC(2024, 4, 6, 7, 8)],
    ['2024-05-06', Date.UTC(2024, 4, 6)],
  ])('%s is read as UTC unless it says otherwise', (text, ms) => {
    expect(parseLegacyTime(text)).toBe(ms);
  });

  it.each([null, undefined, 1714979289, '', 'yesterday', '2024-13-45 99:99:99'])(
    '%s cannot be read',
    (value) => {
      expect(parseLegacyTime(value)).toBeNull();
    },
  );
});

describe('names compared for conflicts', () => {
  it('fold case in every script and compatibility forms, but keep other differences', () => {
    expect(foldName('ADA')).toBe(foldName('ada'));
    expect(foldName('ÉMILE')).toBe(foldName('émile'));
    expect(foldName('STRASSE')).toBe(foldName('straße'));
    expect(foldName('ａｄａ')).toBe(foldName('ada'));
    expect(foldName('ada ')).not.toBe(foldName('ada'));
    expect(foldName('adà')).not.toBe(foldName('ada'));
  });
});

describe('an earlier row', () => {
  const row = {
    id: 1,
    username: 'ada',
    password_hash: 'ab'.repeat(64),
    password_salt: 'cd'.repeat(16),
    is_active: 1,
    created_at: '2024-05-06 07:08:09',
  };

  it('becomes an account with a PHC string made of the hex salt and key', () => {
    const result = toLegacyAccount(row, 0);
    expect(result).toMatchObject({
      ok: true,
      account: { legacyId: 1, username: 'ada', active: true, grandfathered: null },
    });
    if (!result.ok) throw new Error('refused');
    const [, , params, salt, key] = result.account.phc.split('$');
    expect(params).toBe('ln=14,r=8,p=1');
    expect(Buffer.from(salt!, 'base64').toString('hex')).toBe(row.password_salt);
    expect(Buffer.from(key!, 'base64').toString('hex')).toBe(row.password_hash);
  });

  it.each([
    [{ id: 1.5 }, 'the id is not a whole number'],
    [{ username: null }, 'the username is empty'],
    [{ username: 42 }, 'the username is empty'],
    [{ password_hash: null }, 'password_hash'],
    [{ password_hash: 'AB'.repeat(63) }, 'password_hash'],
    [{ password_salt: 'cd'.repeat(17) }, 'password_salt'],
    [{ is_active: 'yes' }, 'is_active'],
  ])('%o is malformed', (change, problem) => {
    const result = toLegacyAccount({ ...row, ...change }, 0);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.malformed.problem).toContain(problem);
  });

  it('upper-case hex is fine; a missing is_active column means active', () => {
    const { is_active: _, ...noFlag } = row;
    expect(toLegacyAccount({ ...noFlag, password_hash: 'AB'.repeat(64) }, 0)).toMatchObject({
      ok: true,
      account: { active: true },
    });
  });
});
