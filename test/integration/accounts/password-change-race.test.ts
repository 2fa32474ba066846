/**
 * A sign-in with the old password that races a password change made by another instance on the
 * same profile: the password is checked (argon2, off the main thread, tens of milliseconds) while
 * the other instance commits the new hash and ends every other session. The sign-in must then
 * either fail or produce a session that the change ended: never one that outlives it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MIN_ARGON2 } from '../../../src/core/config';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

const NEW_PASSWORD = 'a completely different passphrase';
const TRIALS = 16;

describe('a sign-in racing a password change, at the default argon2 cost', () => {
  it(
    `never leaves a session that outlives the change (${TRIALS} trials with shifted starts)`,
    { timeout: 120_000 },
    async () => {
      let survivors = 0;
      let signedInBeforeChange = 0;
      for (let trial = 0; trial < TRIALS; trial += 1) {
        const profile = new TestProfile();
        const config = { argon2: MIN_ARGON2, externalChangePollMs: 3_600_000 };
        const changer = await profile.start({ config });
        await changer.invoke('auth:register', { username: 'ada', password: PASSWORD });
        const racer = await profile.start({ config });

        // Shift the sign-in's start across the change's verify-and-hash, so that every order of
        // "hash read", "new hash committed" and "session created" happens across the trials.
        const change = changer.invoke('auth:change-password', {
          currentPassword: PASSWORD,
          newPassword: NEW_PASSWORD,
        });
        await sleep((trial % 8) * 8);
        const login = await racer.invoke('auth:login', { username: 'ada', password: PASSWORD });
        expect(await change).toMatchObject({ ok: true });

        if (login.ok && login.value.authenticated) {
          signedInBeforeChange += 1;
          const after = await racer.invoke('auth:validate', {});
          if (after.ok && after.value.authenticated) survivors += 1;
        }
        // Only the changer's own session is left.
        const state = changer.getState();
        if (!state.authenticated) throw new Error('the changer should still be signed in');
        const live = changer.sessions.getUserSessions(state.user.id).map((s) => s.id);
        expect(live).toEqual([state.session.id]);
        await racer.close();
        await changer.close();
      }
      console.log(
        `password-change race: ${TRIALS} trials, ${signedInBeforeChange} sign-ins got in first and were ended by the change, ${survivors} survivors`,
      );
      expect(survivors).toBe(0);
    },
  );
});
