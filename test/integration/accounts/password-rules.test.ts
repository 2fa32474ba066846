import { describe, expect, it } from 'vitest';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDFFF';
const REPLACEMENT = '\uFFFD';

describe('passwords that are not well-formed Unicode', () => {
  it('are refused with WEAK_PASSWORD at registration, and nothing is created', async () => {
    const runtime = await new TestProfile().start();
    for (const password of [`${PASSWORD}${LONE_HIGH}`, `${LONE_LOW}${PASSWORD}`]) {
      const result = await runtime.invoke('auth:register', { username: 'ada', password });
      expect(result).toMatchObject({ ok: false, error: { code: 'WEAK_PASSWORD' } });
      if (!result.ok) expect(result.error.message).toMatch(/unpaired surrogate/);
    }
    expect(runtime.accounts.findByUsername('ada')).toBeNull();
  });

  it('are refused at change-password, and the old password keeps working', async () => {
    const runtime = await new TestProfile().start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const result = await runtime.invoke('auth:change-password', {
      currentPassword: PASSWORD,
      newPassword: `${PASSWORD}${LONE_HIGH}`,
    });
    expect(result).toMatchObject({ ok: false, error: { code: 'WEAK_PASSWORD' } });
    await runtime.invoke('auth:logout', {});
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({
      ok: true,
      value: { authenticated: true },
    });
  });

  it('never match at sign-in, not even a password stored with U+FFFD where the surrogate was', async () => {
    const runtime = await new TestProfile().start();
    const stored = `${PASSWORD}${REPLACEMENT}`;
    await runtime.invoke('auth:register', { username: 'ada', password: stored });
    await runtime.invoke('auth:logout', {});
    for (const typed of [`${PASSWORD}${LONE_HIGH}`, `${PASSWORD}${LONE_LOW}`]) {
      expect(
        await runtime.invoke('auth:login', { username: 'ada', password: typed }),
      ).toMatchObject({
        ok: false,
        error: { code: 'INVALID_CREDENTIALS' },
      });
    }
    expect(await runtime.invoke('auth:login', { username: 'ada', password: stored })).toMatchObject(
      {
        ok: true,
        value: { authenticated: true },
      },
    );
  });
});
