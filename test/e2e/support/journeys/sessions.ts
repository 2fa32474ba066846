/** Journeys, sessions: two instances on one profile, revoking, password change, idle expiry. */
import type { Page } from '@playwright/test';
import { skipWithout } from '../driver';
import { expect } from '../fixtures';
import type { JourneyTest } from '../journeys';
import {
  createAccount,
  expectScreen,
  homeSessionId,
  launchSignedIn,
  NEW_PASSWORD,
  openSessions,
  PASSWORD,
  readSessions,
  signIn,
  submitSignIn,
} from '../ui';

const HOUR = 3_600_000;
/** A revocation by another process must reach the page within this (the runtime polls every 2 s). */
const PROMPTLY_MS = 8_000;

/**
 * Expects the signed-out page to give `reason` within {@link PROMPTLY_MS}: the sign-out came from
 * another process, so the page hears of it through the runtime's poll, not through its own call.
 */
async function expectSignedOutPromptly(page: Page, reason: string): Promise<void> {
  await expect(page.getByTestId('signed-out-reason')).toHaveText(reason, { timeout: PROMPTLY_MS });
}

/** Defines the sessions journeys on `test`. */
export function defineSessionJourneys(test: JourneyTest): void {
  test('5 two instances on one profile: each marks its own session; revoking the other signs it out', async ({
    launch,
    driver,
    shot,
  }) => {
    skipWithout(driver, 'two-instances-one-profile');
    // Both instances start before anything is remembered (an instance that starts while
    // session.enc exists restores that session, as the app does).
    const [original, b] = await launchSignedIn(launch, 'erin', 2, { remember: true });
    const bId = await homeSessionId(b.page);
    // A restarts and restores its remembered session: its re-authentication window is now empty,
    // so its first revoke must ask for the password.
    const aBefore = await homeSessionId(original.page);
    await original.stop();
    const a = await launch();
    await expectScreen(a.page, 'home');
    const aId = await homeSessionId(a.page);
    expect(aId).toBe(aBefore);
    expect(bId).not.toBe(aId);

    const fromA = await openSessions(a.page, 2);
    const fromB = await openSessions(b.page, 2);
    expect(fromA.filter((r) => r.current).map((r) => r.id)).toEqual([aId]);
    expect(fromB.filter((r) => r.current).map((r) => r.id)).toEqual([bId]);
    expect(new Set(fromA.map((r) => r.id))).toEqual(new Set([aId, bId]));
    expect(new Set(fromB.map((r) => r.id))).toEqual(new Set([aId, bId]));
    // Each row names its device: the machine, never a port, so both instances here read the
    // same, and A's label survived its restart. "This device" tells them apart.
    if (b.device) {
      expect(fromA.find((r) => r.id === bId)?.device).toBe(b.device);
      expect(fromA.find((r) => r.id === aId)?.device).toBe(a.device);
    }
    // The current session has no revoke button.
    await expect(
      a.page.locator(`[data-session-id="${aId}"]`).getByTestId('revoke-session'),
    ).toHaveCount(0);
    await expect(a.page.getByTestId('current-session-badge')).toHaveCount(1);
    await shot(a.page, 'sessions-instance-a');
    await shot(b.page, 'sessions-instance-b');

    // A revokes B: a confirmation names the device first, then main asks for the password.
    await a.page.locator(`[data-session-id="${bId}"]`).getByTestId('revoke-session').click();
    const dialog = a.page.getByTestId('revoke-dialog');
    await expect(dialog).toBeVisible();
    const bDevice = fromA.find((r) => r.id === bId)?.device ?? '';
    await expect(a.page.getByTestId('revoke-dialog-title')).toHaveText(`Sign out ${bDevice}?`);
    await shot(a.page, 'revoke-confirmation');
    await a.page.getByTestId('confirm-revoke').click();
    await expect(a.page.getByTestId('reauth-password')).toBeFocused();
    await shot(a.page, 'password-prompt');
    await a.page.getByTestId('reauth-password').fill('not my password at all');
    await a.page.getByTestId('reauth-submit').click();
    await expect(a.page.getByTestId('reauth-password-error')).toHaveText('Incorrect password.');
    await a.page.getByTestId('reauth-password').fill(PASSWORD);
    await a.page.getByTestId('reauth-submit').click();
    await expect(dialog).toHaveCount(0);
    await expect(a.page.getByTestId('sessions-status')).toHaveText(`Signed out ${bDevice}.`);
    await readSessions(a.page, 1);

    // B hears it through auth:state-changed, without doing anything.
    await expectScreen(b.page, 'sign-in');
    await expectSignedOutPromptly(b.page, 'You were signed out from another of your sessions.');
    await shot(b.page, 'signed-out-by-other-session');
    await shot(a.page, 'sessions-after-revoke');

    // B signs in again; A signs out all others (the password was just entered: no prompt).
    await signIn(b.page, 'erin');
    await a.page.getByTestId('sessions-refresh').click();
    await readSessions(a.page, 2);
    await a.page.getByTestId('revoke-others').click();
    await expect(a.page.getByTestId('revoke-dialog-title')).toHaveText(
      'Sign out the other session?',
    );
    await a.page.getByTestId('confirm-revoke').click();
    await expect(a.page.getByTestId('sessions-status')).toHaveText('Signed out 1 other session.');
    await expect(a.page.getByTestId('revoke-dialog')).toHaveCount(0);
    await expect(a.page.getByTestId('reauth-password')).toHaveCount(0);
    await expectSignedOutPromptly(b.page, 'You were signed out from another of your sessions.');
    await readSessions(a.page, 1);
    await expect(a.page.getByTestId('no-other-sessions')).toBeVisible();
    await expect(a.page.getByTestId('revoke-others')).toBeHidden();
  });

  test('6 changing the password ends the other sessions and keeps this one', async ({
    launch,
    driver,
    shot,
  }) => {
    skipWithout(driver, 'two-instances-one-profile');
    const a = await launch();
    await createAccount(a.page, 'frank');
    const aId = await homeSessionId(a.page);
    const b = await launch();
    await signIn(b.page, 'frank');

    await a.page.getByTestId('nav-change-password').click();
    await expectScreen(a.page, 'change-password');
    await expect(a.page.getByTestId('sign-out-others')).toBeChecked();
    await shot(a.page, 'change-password');

    // Wrong current password: the error is on that field.
    await a.page.getByTestId('current-password').fill('this is not it at all');
    await a.page.getByTestId('new-password').fill(NEW_PASSWORD);
    await a.page.getByTestId('confirm-password').fill(NEW_PASSWORD);
    await a.page.getByTestId('change-password-submit').click();
    await expect(a.page.getByTestId('current-password-error')).toHaveText(
      'Incorrect current password.',
    );
    await expect(a.page.getByTestId('current-password')).toHaveAttribute('aria-invalid', 'true');
    await shot(a.page, 'change-password-error');

    await a.page.getByTestId('current-password').fill(PASSWORD);
    await a.page.getByTestId('change-password-submit').click();
    await expect(a.page.getByTestId('change-password-status')).toHaveText(
      'Your password was changed. 1 other session was signed out.',
    );
    await shot(a.page, 'password-changed');

    await expectSignedOutPromptly(
      b.page,
      'You were signed out because your password changed. Sign in with the new one.',
    );
    await expectScreen(b.page, 'sign-in');
    await shot(b.page, 'signed-out-password-changed');

    // A is still signed in, alone.
    expect(await openSessions(a.page, 1)).toEqual([
      expect.objectContaining({ id: aId, current: true }),
    ]);
    // B: the old password no longer works, the new one does.
    await submitSignIn(b.page, 'frank', { password: PASSWORD });
    await expect(b.page.getByTestId('sign-in-error')).toHaveText('Incorrect username or password.');
    await signIn(b.page, 'frank', { password: NEW_PASSWORD });
  });

  test('7 idle expiry returns the UI to sign-in with "Your session expired"', async ({
    launch,
    driver,
    shot,
  }) => {
    skipWithout(driver, 'clock-control');
    const app = await launch();
    await createAccount(app.page, 'grace');
    await app.page.getByTestId('nav-sessions').click();
    await expectScreen(app.page, 'sessions');
    await shot(app.page, 'sessions-before-expiry');
    // 12 h is the standard idle limit; move the host's clock just past it.
    expect(await app.setClockOffset?.(12 * HOUR + 60_000)).toEqual({ authenticated: false });
    await expectScreen(app.page, 'sign-in');
    await expect(app.page.getByTestId('signed-out-reason')).toContainText('Your session expired');
    await expect(app.page.getByTestId('signed-out-reason')).toHaveAttribute('data-tone', 'warning');
    await shot(app.page, 'session-expired');

    // Using the UI is activity: it slides the idle deadline, so the 12 h count from the last
    // key press, not from sign-in. (Moving the clock re-checks without counting as activity.)
    await signIn(app.page, 'grace');
    const setClock = app.setClockOffset;
    if (!setClock) throw new Error('unreachable: skipped above');
    const signedInAt = 12 * HOUR + 60_000;
    expect(await setClock(signedInAt + 11 * HOUR)).toEqual({ authenticated: true });
    await app.page.clock.install();
    await app.page.clock.fastForward(61_000); // the UI tells main at most once a minute
    const ping = app.page.waitForResponse((r) => r.url().endsWith('/api/invoke'), {
      timeout: 10_000,
    });
    await app.page.keyboard.press('Shift');
    await ping;
    // 13 h after sign-in, 2 h after the key press: still signed in.
    expect(await setClock(signedInAt + 13 * HOUR)).toEqual({ authenticated: true });
    await expectScreen(app.page, 'home');
    // 12 h after the key press: expired.
    expect(await setClock(signedInAt + 23 * HOUR + 60_000)).toEqual({ authenticated: false });
    await expectScreen(app.page, 'sign-in');
    await expect(app.page.getByTestId('signed-out-reason')).toContainText('Your session expired');
  });
}
