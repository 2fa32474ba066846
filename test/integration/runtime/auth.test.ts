import { describe, expect, it } from 'vitest';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

describe('register, login, validate, logout', () => {
  it('registers, signs in with a fresh session each time, validates and signs out', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    const states: unknown[] = [];
    runtime.onStateChanged((s) => states.push(s));

    expect(await runtime.invoke('auth:validate', {})).toEqual({
      ok: true,
      value: {
        authenticated: false,
        reason: 'not-signed-in',
        storage: { persistent: true, backend: 'gnome_libsecret' },
        rememberForMs: 30 * 24 * 3_600_000,
      },
    });

    const registered = await runtime.invoke('auth:register', {
      username: 'Ada',
      password: PASSWORD,
    });
    expect(registered).toMatchObject({
      ok: true,
      value: { authenticated: true, user: { username: 'Ada' } },
    });
    const first = (registered as { value: { session: { id: string } } }).value.session.id;

    const loggedIn = await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD });
    expect(loggedIn).toMatchObject({
      ok: true,
      value: { authenticated: true, user: { username: 'Ada' } },
    });
    const second = (loggedIn as { value: { session: { id: string; current: boolean } } }).value
      .session;
    expect(second.id).not.toBe(first);
    expect(second.current).toBe(true);
    // The previous current session ended with the new sign-in.
    expect(runtime.sessions.getSessionMetadata(first)).toBeNull();

    expect(await runtime.invoke('auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: true },
    });
    expect(await runtime.invoke('auth:logout', {})).toMatchObject({
      ok: true,
      value: { authenticated: false, reason: 'signed-out' },
    });
    expect(runtime.sessions.getSessionCount().database).toBe(0);
    expect(await runtime.invoke('auth:logout', {})).toMatchObject({
      ok: true,
      value: { authenticated: false },
    });
    expect(states.map((s) => (s as { authenticated: boolean }).authenticated)).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('refuses a taken username case-insensitively, a bad username and a weak password, creating nothing', async () => {
    const runtime = await new TestProfile().start();
    await runtime.invoke('auth:register', { username: 'grace', password: PASSWORD });
    await runtime.invoke('auth:logout', {});
    expect(
      await runtime.invoke('auth:register', { username: 'GRACE', password: PASSWORD }),
    ).toMatchObject({
      ok: false,
      error: { code: 'USERNAME_TAKEN' },
    });
    for (const username of ['ab', ' grace2', 'grace 2', 'émile', '-lead', 'x'.repeat(65)]) {
      expect(await runtime.invoke('auth:register', { username, password: PASSWORD })).toMatchObject(
        {
          ok: false,
          error: { code: 'INVALID_INPUT' },
        },
      );
    }
    expect(
      await runtime.invoke('auth:register', { username: 'hopper', password: 'eleven char' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'WEAK_PASSWORD', message: 'Use at least 12 characters.' },
    });
    expect(
      await runtime.invoke('auth:register', { username: 'hopper', password: 'p'.repeat(1025) }),
    ).toMatchObject({
      ok: false,
      error: { code: 'WEAK_PASSWORD', message: 'Use at most 1024 characters.' },
    });
    // Twelve characters counted as typed, emoji and spaces included.
    expect(
      await runtime.invoke('auth:register', { username: 'hopper', password: '🔑🔑🔑 and more' }),
    ).toMatchObject({ ok: true });
    expect(runtime.accounts.findByUsername('hopper')).not.toBeNull();
    expect(runtime.accounts.findByUsername('émile')).toBeNull();
  });

  it('tells a signed-out renderer how long "Keep me signed in" lasts: the host’s setting', async () => {
    const day = 24 * 3_600_000;
    const runtime = await new TestProfile().start({
      config: { rememberedLifetimeMs: 14 * day, rememberedIdleTimeoutMs: 7 * day },
    });
    expect(runtime.getState()).toMatchObject({ authenticated: false, rememberForMs: 14 * day });
    const signedIn = await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    expect(signedIn).toMatchObject({
      ok: true,
      value: { session: { rememberMe: true } },
    });
    const { session } = runtime.getState() as { session: { createdAt: number; expiresAt: number } };
    expect(session.expiresAt - session.createdAt).toBe(14 * day);
  });

  it('says the same thing for an unknown user and a wrong password', async () => {
    const runtime = await new TestProfile().start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.invoke('auth:logout', {});
    const wrong = await runtime.invoke('auth:login', {
      username: 'ada',
      password: 'wrong password!',
    });
    const unknown = await runtime.invoke('auth:login', { username: 'nobody', password: PASSWORD });
    // The first failure of each name: the same words, the same attempts left.
    expect(wrong).toEqual({
      ok: false,
      error: {
        code: 'INVALID_CREDENTIALS',
        message: 'Incorrect username or password',
        attemptsLeft: 4,
      },
    });
    expect(unknown).toEqual(wrong);
  });

  it('treats a deactivated account like a wrong password and ends its sessions', async () => {
    const runtime = await new TestProfile().start();
    const states: Array<{ authenticated: boolean; reason?: string }> = [];
    runtime.onStateChanged((s) => states.push(s as never));
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const user = runtime.accounts.findByUsername('ada')!;
    expect(await runtime.setUserActive(user.id, false)).toBe(1);
    expect(runtime.getState()).toMatchObject({ authenticated: false, reason: 'account-disabled' });
    expect(await runtime.invoke('auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: false, reason: 'account-disabled' },
    });
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS' },
    });
    await runtime.setUserActive(user.id, true);
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({ ok: true });
    expect(states.at(1)).toMatchObject({ authenticated: false, reason: 'account-disabled' });
  });
});

describe('deactivation and the audit log', () => {
  it('is undone when its audit row cannot be written: the account and its sessions stay', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const user = runtime.accounts.findByUsername('ada')!;
    // Another connection makes every audit insert fail, as a full or failing disk would.
    const other = profile.openDb();
    other.exec(
      "CREATE TRIGGER no_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit write failed'); END",
    );
    await expect(runtime.setUserActive(user.id, false)).rejects.toThrow('audit write failed');
    expect(runtime.accounts.findById(user.id)).toMatchObject({ isActive: true });
    expect(runtime.getState()).toMatchObject({ authenticated: true });
    expect(runtime.sessions.getUserSessions(user.id)).toHaveLength(1);
    other.exec('DROP TRIGGER no_audit');
    other.close();
    expect(await runtime.setUserActive(user.id, false)).toBe(1);
    expect(runtime.getState()).toMatchObject({ authenticated: false, reason: 'account-disabled' });
  });
});

describe('lock-out', () => {
  it('counts down the attempts left before the lock-out, for known and unknown names alike', async () => {
    const runtime = await new TestProfile().start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.invoke('auth:logout', {});
    for (const username of ['ada', 'nobody']) {
      const left: Array<number | undefined> = [];
      for (let i = 0; i < 5; i += 1) {
        const result = await runtime.invoke('auth:login', {
          username,
          password: 'wrong password!',
        });
        left.push(result.ok ? undefined : (result.error.attemptsLeft ?? -1));
        if (i === 4) expect(result).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
      }
      expect(left, username).toEqual([4, 3, 2, 1, -1]);
    }
  });

  it('with one attempt left, says how long the next failure locks: the host’s configured length', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({
      config: { lockout: { threshold: 3, baseDelayMs: 45_000 } },
    });
    const errors = [];
    for (let i = 0; i < 3; i += 1) {
      const result = await runtime.invoke('auth:login', { username: 'x', password: PASSWORD });
      errors.push(result.ok ? null : result.error);
    }
    expect(errors).toEqual([
      expect.not.objectContaining({ lockoutMs: expect.anything() }),
      expect.objectContaining({ attemptsLeft: 1, lockoutMs: 45_000 }),
      expect.objectContaining({ code: 'RATE_LIMITED', retryAfterMs: 45_000 }),
    ]);
    expect(errors[0]).toMatchObject({ attemptsLeft: 2 });
  });

  it('locks after 5 failures for 30 s, doubling, capped at 15 min; a success resets; boundaries at -1/0/+1 ms', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.invoke('auth:logout', {});
    const attempt = (password: string) =>
      runtime.invoke('auth:login', { username: 'ada', password });

    for (let i = 0; i < 4; i += 1)
      expect(await attempt('nope nope nope')).toMatchObject({
        error: { code: 'INVALID_CREDENTIALS' },
      });
    expect(await attempt('nope nope nope')).toEqual({
      ok: false,
      error: {
        code: 'RATE_LIMITED',
        message: 'Too many failed attempts. Try again in 30 seconds.',
        retryAfterMs: 30_000,
      },
    });
    // Locked: even the right password is refused, without counting.
    profile.clock.advance(29_999);
    expect(await attempt(PASSWORD)).toMatchObject({
      error: { code: 'RATE_LIMITED', retryAfterMs: 1 },
    });
    profile.clock.advance(1);
    expect(await attempt('nope nope nope')).toMatchObject({
      error: { code: 'RATE_LIMITED', retryAfterMs: 60_000 },
    });
    profile.clock.advance(60_000);
    expect(await attempt('nope nope nope')).toMatchObject({
      error: { code: 'RATE_LIMITED', retryAfterMs: 120_000 },
    });
    for (const expected of [240_000, 480_000, 900_000, 900_000]) {
      profile.clock.advance(900_000);
      expect(await attempt('nope nope nope')).toMatchObject({
        error: { code: 'RATE_LIMITED', retryAfterMs: expected },
      });
    }
    profile.clock.advance(900_001);
    expect(await attempt(PASSWORD)).toMatchObject({ ok: true });
    await runtime.invoke('auth:logout', {});
    expect(await attempt('nope nope nope')).toMatchObject({
      error: { code: 'INVALID_CREDENTIALS' },
    });
  });

  it('survives a restart', async () => {
    const profile = new TestProfile();
    let runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.invoke('auth:logout', {});
    for (let i = 0; i < 5; i += 1)
      await runtime.invoke('auth:login', { username: 'ada', password: 'nope nope nope' });
    await runtime.close();
    profile.clock.advance(10_000);
    runtime = await profile.start();
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: 20_000 },
    });
  });

  it('locks unknown usernames the same way, so a lock-out reveals nothing', async () => {
    const runtime = await new TestProfile().start();
    const results = [];
    for (let i = 0; i < 5; i += 1)
      results.push(
        await runtime.invoke('auth:login', { username: 'ghost', password: 'nope nope nope' }),
      );
    expect(results.at(-1)).toMatchObject({ error: { code: 'RATE_LIMITED', retryAfterMs: 30_000 } });
  });
});

describe('argon2id', () => {
  it('stores PHC strings with the configured cost and upgrades older hashes at the next sign-in', async () => {
    const profile = new TestProfile();
    let runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const db = profile.openDb();
    const hashOf = (): string =>
      db.prepare("SELECT password_hash FROM users WHERE username = 'ada'").pluck().get() as string;
    expect(hashOf()).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    await runtime.close();
    runtime = await profile.start({
      config: { argon2: { memoryCost: 2048, timeCost: 2, parallelism: 1 } },
    });
    expect(hashOf()).toMatch(/m=1024,t=1,p=1/);
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({ ok: true });
    expect(hashOf()).toMatch(/^\$argon2id\$v=19\$m=2048,t=2,p=1\$/);
    // Lowering the configured cost never downgrades a stored hash.
    await runtime.close();
    runtime = await profile.start();
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({ ok: true });
    expect(hashOf()).toMatch(/m=2048,t=2,p=1/);
  });

  it('defaults to at least m=19456 KiB, t=2, p=1', async () => {
    const { DEFAULT_CONFIG, MIN_ARGON2 } = await import('../../../src/core/config');
    const { PasswordHasher } = await import('../../../src/core/accounts/password-hasher');
    expect(DEFAULT_CONFIG.argon2.memoryCost).toBeGreaterThanOrEqual(MIN_ARGON2.memoryCost);
    expect(DEFAULT_CONFIG.argon2.timeCost).toBeGreaterThanOrEqual(2);
    const phc = await new PasswordHasher(DEFAULT_CONFIG.argon2).hash(PASSWORD);
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await new PasswordHasher(DEFAULT_CONFIG.argon2).verify(phc, PASSWORD)).toBe(true);
    expect(await new PasswordHasher(DEFAULT_CONFIG.argon2).verify(phc, `${PASSWORD} `)).toBe(false);
  });
});
