import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuthState, SessionView } from '../../../src/contract/contract';
import { openDatabase } from '../../../src/core/db/open-database';
import type { SessionRuntime } from '../../../src/core/runtime';
import { PASSWORD, TestProfile } from '../../helpers/runtime';
import { SESSION_FIELDS } from '../../helpers/sessions';
import { expectOk } from '../../helpers/expect-ok';

const MINUTE = 60_000;
const NEW_PASSWORD = 'a much better passphrase';

async function sessionsOf(runtime: SessionRuntime): Promise<SessionView[]> {
  return expectOk(await runtime.invoke('auth:sessions', {})).sessions;
}

function nextState(runtime: SessionRuntime): Promise<AuthState> {
  return new Promise((resolve) => {
    const off = runtime.onStateChanged((state) => {
      off();
      resolve(state);
    });
  });
}

/** Two app instances on one profile directory (two processes sharing one database). */
async function twoInstances(poll = 1_000_000) {
  const profile = new TestProfile();
  // All start before anyone signs in, so none restores another's session.enc.
  const a = await profile.start({ config: { externalChangePollMs: poll } });
  const b = await profile.start({
    device: 'second instance',
    config: { externalChangePollMs: poll },
  });
  const c = await profile.start({
    device: 'third instance',
    config: { externalChangePollMs: poll },
  });
  await a.invoke('auth:register', { username: 'ada', password: PASSWORD, rememberMe: true });
  await b.invoke('auth:login', { username: 'ada', password: PASSWORD });
  return { profile, a, b, c };
}

describe('auth:sessions', () => {
  it("lists the user's live sessions with the current one marked, never a token or hash", async () => {
    const { a, b } = await twoInstances();
    const fromA = await sessionsOf(a);
    const fromB = await sessionsOf(b);
    expect(fromA).toHaveLength(2);
    expect(fromA.filter((s) => s.current)).toHaveLength(1);
    expect(fromB.find((s) => s.current)!.id).not.toBe(fromA.find((s) => s.current)!.id);
    expect(fromB.find((s) => s.current)!.device).toBe('second instance');
    expect(Object.keys(fromA[0]!).sort()).toEqual([...SESSION_FIELDS, 'current'].sort());
    expect(JSON.stringify(fromA)).not.toMatch(/[A-Za-z0-9_-]{43}/);
  });

  it('answers NOT_AUTHENTICATED when signed out', async () => {
    const runtime = await new TestProfile().start();
    for (const [channel, payload] of [
      ['auth:sessions', {}],
      ['auth:revoke-other-sessions', {}],
      ['auth:revoke-session', { sessionId: '3b241101-e2bb-4255-8caf-4136c566a962' }],
      ['auth:change-password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }],
    ] as const) {
      expect(await runtime.invoke(channel, payload)).toMatchObject({
        ok: false,
        error: { code: 'NOT_AUTHENTICATED' },
      });
    }
  });
});

describe('revoking', () => {
  it('needs a password entered within the re-auth window: -1 ms allowed, 0 and +1 ms REAUTH_REQUIRED', async () => {
    for (const [offset, allowed] of [
      [-1, true],
      [0, false],
      [1, false],
    ] as const) {
      const { profile, a, b } = await twoInstances();
      const other = (await sessionsOf(a)).find((s) => !s.current)!;
      // b signed in last; a's password was entered at a's registration.
      profile.clock.advance(10 * MINUTE + offset);
      const result = await a.invoke('auth:revoke-session', { sessionId: other.id });
      if (allowed) expect(result).toEqual({ ok: true, value: { revoked: true } });
      else expect(result).toMatchObject({ ok: false, error: { code: 'REAUTH_REQUIRED' } });
      await a.close();
      await b.close();
    }
  });

  it('REAUTH_REQUIRED after a restore; a wrong password is refused and counted; the right one revokes', async () => {
    const { profile, a, b } = await twoInstances();
    await a.close();
    const restored = await profile.start({ config: { externalChangePollMs: 1_000_000 } });
    expect(restored.getState().authenticated).toBe(true);
    const other = (await sessionsOf(restored)).find((s) => !s.current)!;

    expect(await restored.invoke('auth:revoke-session', { sessionId: other.id })).toMatchObject({
      ok: false,
      error: { code: 'REAUTH_REQUIRED' },
    });
    expect(
      await restored.invoke('auth:revoke-session', {
        sessionId: other.id,
        password: 'not my password',
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS', message: 'Incorrect password' },
    });
    const told = nextState(b);
    expect(
      await restored.invoke('auth:revoke-session', { sessionId: other.id, password: PASSWORD }),
    ).toEqual({
      ok: true,
      value: { revoked: true },
    });
    // The other process notices at its next check (the poll calls refresh()).
    await b.refresh();
    expect(await told).toMatchObject({ authenticated: false, reason: 'revoked' });
    expect(await b.invoke('auth:validate', {})).toMatchObject({
      ok: true,
      value: { authenticated: false, reason: 'revoked' },
    });
    // Within the window now, no prompt for the next one.
    expect(await restored.invoke('auth:revoke-other-sessions', {})).toEqual({
      ok: true,
      value: { revoked: 0 },
    });
  });

  it('an unknown, foreign or ended session id is NOT_FOUND', async () => {
    const { a, c } = await twoInstances();
    await c.invoke('auth:register', { username: 'grace', password: PASSWORD });
    const graces = (await sessionsOf(c))[0]!.id;
    for (const sessionId of ['3b241101-e2bb-4255-8caf-4136c566a962', graces]) {
      expect(
        await a.invoke('auth:revoke-session', { sessionId, password: PASSWORD }),
      ).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    }
    expect(await c.invoke('auth:validate', {})).toMatchObject({ value: { authenticated: true } });
  });

  it('revoking the current session signs out', async () => {
    const runtime = await new TestProfile().start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const id = (await sessionsOf(runtime))[0]!.id;
    expect(await runtime.invoke('auth:revoke-session', { sessionId: id })).toEqual({
      ok: true,
      value: { revoked: true },
    });
    expect(runtime.getState()).toMatchObject({ authenticated: false, reason: 'signed-out' });
  });

  it('revoke-other-sessions keeps only the current one', async () => {
    const { a, b, c } = await twoInstances();
    await c.invoke('auth:login', { username: 'ada', password: PASSWORD });
    expect(await sessionsOf(b)).toHaveLength(3);
    expect(await b.invoke('auth:revoke-other-sessions', {})).toEqual({
      ok: true,
      value: { revoked: 2 },
    });
    const left = await sessionsOf(b);
    expect(left).toHaveLength(1);
    expect(left[0]!.current).toBe(true);
    expect((await a.refresh()).authenticated).toBe(false);
    expect((await c.refresh()).authenticated).toBe(false);
  });

  it("the poll notices another process's revocation and fires onStateChanged", async () => {
    const { profile, b } = await twoInstances(20);
    const state = b.getState();
    if (!state.authenticated) throw new Error('b should be signed in');
    const told = nextState(b);
    // A maintenance script, in its own connection, deletes b's session.
    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    db.prepare('DELETE FROM sessions WHERE id = ?').run(state.session.id);
    db.close();
    // No deadline of its own: a poll that never notices fails the test by its timeout.
    expect(await told).toMatchObject({ authenticated: false, reason: 'revoked' });
  });
});

describe('change password', () => {
  it('needs the current password, ends the other sessions by default, keeps this one', async () => {
    const { profile, a, b } = await twoInstances();
    expect(
      await b.invoke('auth:change-password', {
        currentPassword: 'wrong wrong wrong',
        newPassword: NEW_PASSWORD,
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_CREDENTIALS' },
    });
    expect(
      await b.invoke('auth:change-password', { currentPassword: PASSWORD, newPassword: 'short' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'WEAK_PASSWORD' },
    });
    const told = nextState(a);
    profile.clock.advance(MINUTE);
    expect(
      await b.invoke('auth:change-password', {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
      }),
    ).toEqual({
      ok: true,
      value: { revokedSessions: 1 },
    });
    expect(await b.invoke('auth:validate', {})).toMatchObject({ value: { authenticated: true } });
    await a.refresh();
    expect(await told).toMatchObject({ authenticated: false, reason: 'password-changed' });
    await b.invoke('auth:logout', {});
    expect(await b.invoke('auth:login', { username: 'ada', password: PASSWORD })).toMatchObject({
      ok: false,
    });
    expect(await b.invoke('auth:login', { username: 'ada', password: NEW_PASSWORD })).toMatchObject(
      { ok: true },
    );
  });

  it('keeps other sessions with signOutOtherSessions: false', async () => {
    const { a, b } = await twoInstances();
    expect(
      await b.invoke('auth:change-password', {
        currentPassword: PASSWORD,
        newPassword: NEW_PASSWORD,
        signOutOtherSessions: false,
      }),
    ).toEqual({ ok: true, value: { revokedSessions: 0 } });
    expect((await a.refresh()).authenticated).toBe(true);
  });
});

describe('expiry noticed by the timer', () => {
  it('fires onStateChanged with expired / idle-timeout when the clock passes the deadline', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({ config: { externalChangePollMs: 20 } });
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    const told = nextState(runtime);
    profile.clock.advance(12 * 3_600_000);
    expect(await told).toMatchObject({ authenticated: false, reason: 'idle-timeout' });
  });

  it('validate slides the idle deadline (activity), refresh does not', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    profile.clock.advance(11 * 3_600_000);
    await runtime.refresh();
    profile.clock.advance(1 * 3_600_000);
    expect((await runtime.refresh()).authenticated).toBe(false);

    await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD });
    profile.clock.advance(11 * 3_600_000);
    await runtime.invoke('auth:validate', {});
    profile.clock.advance(11 * 3_600_000);
    expect((await runtime.refresh()).authenticated).toBe(true);
  });

  it('close() clears its timers', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({ config: { externalChangePollMs: 5 } });
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.close();
    expect(await runtime.invoke('auth:validate', {})).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});

describe('system events', () => {
  it('records lock and suspend; ends a standard session on lock when configured', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({ config: { endStandardSessionOnLock: true } });
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.handleSystemEvent('lock-screen');
    expect(runtime.getState()).toMatchObject({ authenticated: false, reason: 'device-locked' });
    await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD, rememberMe: true });
    await runtime.handleSystemEvent('suspend');
    await runtime.handleSystemEvent('resume');
    expect(runtime.getState()).toMatchObject({ authenticated: true });
  });
});
