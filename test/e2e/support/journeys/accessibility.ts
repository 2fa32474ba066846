/** Journeys, accessibility: axe on every screen, and the keyboard-only journey. */
import type { Page } from '@playwright/test';
import { expectAxeCleanInBothThemes } from '../checks';
import { expect, type Shot } from '../fixtures';
import type { JourneyTest } from '../journeys';
import {
  createAccount,
  expectScreen,
  focusIsVisible,
  launchSignedIn,
  openSessions,
  PASSWORD,
  readSessions,
  signIn,
  signOut,
  submitSignIn,
  tabTo,
} from '../ui';

/** Defines the accessibility journeys on `test`. */
export function defineAccessibilityJourneys(test: JourneyTest): void {
  /** Runs axe in both themes on the page as it is, then saves its screenshot. */
  const scanWith =
    (shot: Shot) =>
    async (page: Page, name: string): Promise<void> => {
      await expectAxeCleanInBothThemes(page, name);
      await shot(page, name);
    };

  // Three tests rather than one tour, so that none comes near the time limit on a busy machine.
  test('10a accessibility: no serious or critical axe violation on the signed-out screens', async ({
    launch,
    shot,
  }) => {
    const scan = scanWith(shot);
    const { page } = await launch();
    await expectScreen(page, 'sign-in');
    await scan(page, 'sign-in');
    await page.getByTestId('go-register').click();
    await expectScreen(page, 'register');
    await scan(page, 'create-account');
    await page.getByTestId('register-submit').click();
    await expect(page.getByTestId('register-username-error')).toBeVisible();
    await scan(page, 'create-account-with-errors');
  });

  test('10a accessibility: no serious or critical axe violation on the signed-in screens', async ({
    launch,
    shot,
  }) => {
    const scan = scanWith(shot);
    const { page } = await launch();
    await createAccount(page, 'judy', { remember: true });
    await scan(page, 'home');
    await openSessions(page, 1);
    await scan(page, 'sessions');
    await page.getByTestId('nav-change-password').click();
    await expectScreen(page, 'change-password');
    await page.getByTestId('change-password-submit').click();
    await expect(page.getByTestId('current-password-error')).toBeVisible();
    await scan(page, 'change-password');
    await signOut(page);
    await scan(page, 'signed-out');
    await submitSignIn(page, 'judy', { password: 'a wrong password here' });
    await expect(page.getByTestId('sign-in-error')).not.toBeEmpty();
    await scan(page, 'sign-in-error');
  });

  test('10a accessibility: no serious or critical axe violation in the revoke dialog and its password prompt', async ({
    launch,
    shot,
  }) => {
    const scan = scanWith(shot);
    // A restarted (restored) session must re-enter its password to revoke: the second instance
    // starts before the account exists, since one that starts while session.enc exists restores it.
    const [app] = await launchSignedIn(launch, 'judy', 2, { remember: true });
    await app.stop();
    const restarted = await launch();
    await expectScreen(restarted.page, 'home');
    await openSessions(restarted.page, 2);
    await restarted.page.getByTestId('revoke-others').click();
    await expect(restarted.page.getByTestId('revoke-dialog')).toBeVisible();
    await scan(restarted.page, 'revoke-confirmation');
    await restarted.page.getByTestId('confirm-revoke').click();
    await expect(restarted.page.getByTestId('reauth-password')).toBeFocused();
    await scan(restarted.page, 'password-prompt');
    await restarted.page.getByTestId('reauth-submit').click();
    await expect(restarted.page.getByTestId('reauth-password-error')).toBeVisible();
    await scan(restarted.page, 'password-prompt-error');
    await restarted.page.keyboard.press('Escape');
    await expect(restarted.page.getByTestId('revoke-dialog')).toHaveCount(0);
    await expect(restarted.page.getByTestId('revoke-others')).toBeFocused();
    await readSessions(restarted.page, 2);
  });

  test('10b keyboard only: create an account, revoke another session, sign out, sign in, with visible focus', async ({
    launch,
    driver,
    shot,
  }) => {
    const { page } = await launch();
    const kb = page.keyboard;
    await expectScreen(page, 'sign-in');
    await expect(page.getByTestId('sign-in-username')).toBeFocused();

    await tabTo(page, 'go-register');
    expect(await focusIsVisible(page)).toBe(true);
    await shot(page, 'keyboard-focus-on-create-account');
    await kb.press('Enter');
    await expectScreen(page, 'register');
    await expect(page.getByTestId('register-username')).toBeFocused();
    await kb.type('kim');
    await tabTo(page, 'register-password');
    await kb.type(PASSWORD);
    // The show/hide toggle is the next stop: Space shows the password, Space hides it again.
    await kb.press('Tab');
    await expect(page.getByTestId('register-password-toggle')).toBeFocused();
    expect(await focusIsVisible(page)).toBe(true);
    await kb.press('Space');
    await expect(page.getByTestId('register-password')).toHaveAttribute('type', 'text');
    await shot(page, 'keyboard-password-shown');
    await kb.press('Space');
    await expect(page.getByTestId('register-password')).toHaveAttribute('type', 'password');
    await tabTo(page, 'register-confirm');
    await kb.type(PASSWORD);
    await kb.press('Enter');
    await expectScreen(page, 'home');
    await shot(page, 'keyboard-home');

    // Another session to revoke (started with the mouse: this journey is about the first one).
    if (driver.lacks('two-instances-one-profile') === null) {
      const other = await launch();
      await signIn(other.page, 'kim');
    }
    const sessions = driver.lacks('two-instances-one-profile') === null ? 2 : 1;

    await tabTo(page, 'nav-sessions');
    expect(await focusIsVisible(page)).toBe(true);
    await kb.press('Enter');
    await expectScreen(page, 'sessions');
    await expect(page.getByTestId('session-row')).toHaveCount(sessions);
    // A relative time takes focus and shows the exact time.
    await tabTo(page, 'session-started');
    expect(await focusIsVisible(page)).toBe(true);
    await expect(page.locator('.reltime:focus + [role="tooltip"]')).toBeVisible();
    await shot(page, 'keyboard-focus-on-time');
    if (sessions === 2) {
      await tabTo(page, 'revoke-session');
      expect(await focusIsVisible(page)).toBe(true);
      await kb.press('Enter');
      await expect(page.getByTestId('revoke-dialog')).toBeVisible();
      // Focus starts on Cancel; Escape closes and gives focus back to the button.
      await expect(page.getByTestId('cancel-revoke')).toBeFocused();
      await kb.press('Escape');
      await expect(page.getByTestId('revoke-dialog')).toHaveCount(0);
      await expect(page.getByTestId('revoke-session')).toBeFocused();
      await kb.press('Enter');
      await expect(page.getByTestId('cancel-revoke')).toBeFocused();
      await kb.press('Tab');
      await expect(page.getByTestId('confirm-revoke')).toBeFocused();
      expect(await focusIsVisible(page)).toBe(true);
      await shot(page, 'keyboard-revoke-confirmation');
      await kb.press('Enter');
      await expect(page.getByTestId('sessions-status')).toHaveText(/^Signed out /);
      await expect(page.getByTestId('session-row')).toHaveCount(1);
      await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
    }
    await tabTo(page, 'sign-out');
    expect(await focusIsVisible(page)).toBe(true);
    await shot(page, 'keyboard-focus-on-sign-out');
    await kb.press('Enter');
    await expectScreen(page, 'sign-in');

    // Sign in: name, Tab, password, Tab (the toggle), Tab, Space on "keep me signed in", Enter.
    await expect(page.getByTestId('sign-in-username')).toBeFocused();
    await kb.type('kim');
    await kb.press('Tab');
    await expect(page.getByTestId('sign-in-password')).toBeFocused();
    await kb.type(PASSWORD);
    await kb.press('Tab');
    await expect(page.getByTestId('sign-in-password-toggle')).toBeFocused();
    await kb.press('Tab');
    await expect(page.getByTestId('sign-in-remember')).toBeFocused();
    expect(await focusIsVisible(page)).toBe(true);
    await kb.press('Space');
    await expect(page.getByTestId('sign-in-remember')).toBeChecked();
    await shot(page, 'keyboard-sign-in');
    await kb.press('Tab');
    await expect(page.getByTestId('sign-in-submit')).toBeFocused();
    await kb.press('Enter');
    await expectScreen(page, 'home');
    await expect(page.getByTestId('home-remembered')).toContainText('Yes');
    await shot(page, 'keyboard-signed-in');
  });
}
