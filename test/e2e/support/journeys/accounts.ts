/** Journeys, accounts: create, sign in and out, keep me signed in across restarts, lock-out. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '../fixtures';
import type { JourneyTest } from '../journeys';
import {
  createAccount,
  expectScreen,
  homeSessionId,
  openSessions,
  PASSWORD,
  signIn,
  signOut,
  submitSignIn,
} from '../ui';

/** Defines the accounts journeys on `test`. */
export function defineAccountJourneys(test: JourneyTest): void {
  test('1 create an account, land on home, sign out, sign in again', async ({
    launch,
    driver,
    shot,
  }) => {
    const { page } = await launch();
    await expectScreen(page, 'sign-in');
    await expect(page.getByTestId('signed-out-reason')).toBeEmpty();
    // The host's remembered lifetime (the default here), from the signed-out state.
    await expect(page.getByLabel('Keep me signed in for 30 days')).toHaveCount(1);
    await shot(page, 'sign-in');

    await page.getByTestId('go-register').click();
    await expectScreen(page, 'register');
    // The rules show before the first submit, and describe the password field.
    const rules = page.getByTestId('password-rules');
    await expect(rules).toContainText('12 to 1024 characters');
    const rulesId = await rules.getAttribute('id');
    await expect(page.getByTestId('register-password')).toHaveAttribute(
      'aria-describedby',
      new RegExp(`\\b${rulesId}\\b`),
    );
    await shot(page, 'create-account');

    // A short password: the error sits on the password field and is tied to it.
    await page.getByTestId('register-username').fill('alice');
    await page.getByTestId('register-password').fill('too short');
    await page.getByTestId('register-confirm').fill('too short');
    await page.getByTestId('register-submit').click();
    const passwordError = page.getByTestId('register-password-error');
    await expect(passwordError).toContainText('at least 12 characters');
    await expect(page.getByTestId('register-password')).toHaveAttribute('aria-invalid', 'true');
    const errorId = await passwordError.getAttribute('id');
    await expect(page.getByTestId('register-password')).toHaveAttribute(
      'aria-describedby',
      new RegExp(`\\b${errorId}\\b`),
    );
    await shot(page, 'create-account-errors');

    await page.getByTestId('register-password').fill(PASSWORD);
    await page.getByTestId('register-confirm').fill(PASSWORD);
    await page.getByTestId('register-submit').click();
    await expectScreen(page, 'home');
    await expect(page.getByTestId('home-username')).toContainText('alice');
    await expect(page.getByTestId('home-expires-at')).not.toBeEmpty();
    await expect(page.getByTestId('home-idle-expires-at')).not.toBeEmpty();
    await expect(page.getByTestId('home-remembered')).toContainText('No');
    await expect(page.getByTestId('storage-notice')).toHaveCount(0);
    await shot(page, 'home');

    await signOut(page);
    await expect(page.getByTestId('signed-out-reason')).toHaveText('You have signed out.');
    await expect(page.getByTestId('signed-out-reason')).toHaveAttribute('data-tone', 'info');
    await shot(page, 'signed-out');

    // Wrong password and unknown user: one generic message.
    await submitSignIn(page, 'alice', { password: 'not the right password' });
    await expect(page.getByTestId('sign-in-error')).toHaveText('Incorrect username or password.');
    await submitSignIn(page, 'nobody-here', { password: PASSWORD });
    await expect(page.getByTestId('sign-in-error')).toHaveText('Incorrect username or password.');
    await shot(page, 'sign-in-error');

    // The button is disabled while the request runs: the preview host's answer is held back
    // until that has been checked (IPC in Electron cannot be held, so there it just signs in).
    await page.getByTestId('sign-in-username').fill('alice');
    await page.getByTestId('sign-in-password').fill(PASSWORD);
    if (driver.name === 'preview') {
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => (release = resolve));
      await page.route('**/api/invoke', async (route) => {
        await held;
        await route.continue();
      });
      await page.getByTestId('sign-in-submit').click();
      await expect(page.getByTestId('sign-in-submit')).toBeDisabled();
      await expect(page.getByTestId('sign-in-form')).toHaveAttribute('aria-busy', 'true');
      release();
      await expectScreen(page, 'home');
      await page.unroute('**/api/invoke');
    } else {
      await page.getByTestId('sign-in-submit').click();
      await expectScreen(page, 'home');
    }
    await expect(page.getByTestId('header-user')).toContainText('alice');

    // The name is taken now: the error sits on the username field.
    await signOut(page);
    await page.getByTestId('go-register').click();
    await page.getByTestId('register-username').fill('ALICE');
    await page.getByTestId('register-password').fill(PASSWORD);
    await page.getByTestId('register-confirm').fill(PASSWORD);
    await page.getByTestId('register-submit').click();
    await expect(page.getByTestId('register-username-error')).toContainText('taken');
    await expect(page.getByTestId('register-username')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('register-username')).toBeFocused();
  });

  test('2 keep me signed in survives a restart with the same session', async ({
    launch,
    dataDir,
    shot,
  }) => {
    const first = await launch();
    await createAccount(first.page, 'bob');
    await signOut(first.page);
    await signIn(first.page, 'bob', { remember: true });
    // The session's own length: the host runs with the default 30-day remembered lifetime.
    await expect(first.page.getByTestId('home-remembered')).toHaveText('Yes, for up to 30 days');
    const rows = await openSessions(first.page, 1);
    const before = rows.find((r) => r.current);
    expect(before).toBeDefined();
    await shot(first.page, 'sessions-before-restart');
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, 'session.enc'))).toBe(true);

    const second = await launch();
    await expectScreen(second.page, 'home');
    await expect(second.page.getByTestId('header-user')).toContainText('bob');
    expect(await homeSessionId(second.page)).toBe(before?.id);
    await shot(second.page, 'home-after-restart');
    const after = await openSessions(second.page, 1);
    expect(after).toEqual([expect.objectContaining({ id: before?.id, current: true })]);
    await shot(second.page, 'sessions-after-restart');
  });

  test('3 without keep me signed in, a restart returns to sign-in', async ({
    launch,
    dataDir,
    shot,
  }) => {
    const first = await launch();
    await createAccount(first.page, 'carol');
    await expect(first.page.getByTestId('home-remembered')).toContainText('No');
    await shot(first.page, 'home');
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, 'session.enc'))).toBe(false);

    const second = await launch();
    await expectScreen(second.page, 'sign-in');
    await expect(second.page.getByTestId('signed-out-reason')).toBeEmpty();
    await shot(second.page, 'sign-in-after-restart');
    // The ended session is gone from the list, not a phantom.
    await signIn(second.page, 'carol');
    expect(await openSessions(second.page, 1)).toHaveLength(1);
  });

  test('4 five wrong passwords lock the account, and a restart keeps the lock', async ({
    launch,
    shot,
  }) => {
    const first = await launch();
    await createAccount(first.page, 'dave');
    await signOut(first.page);
    const error = first.page.getByTestId('sign-in-error');
    const warning = first.page.getByTestId('attempts-warning');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await submitSignIn(first.page, 'dave', { password: `wrong password number ${attempt}` });
      // (The form clears the message on submit, so this waits for this attempt's answer.)
      await expect(error).toContainText('Incorrect username or password.');
      // The fourth answer warns that the next wrong password locks the account.
      if (attempt < 4) await expect(warning).toHaveCount(0);
    }
    await expect(warning).toHaveText(/^One attempt left: one more wrong password pauses sign-in/);
    await shot(first.page, 'one-attempt-left');
    await submitSignIn(first.page, 'dave', { password: 'wrong password number 5' });
    await expect(error).toContainText(
      'Too many failed attempts, so sign-in for this account is paused.',
    );
    await expect(first.page.getByTestId('lockout-countdown')).toHaveText(
      /^Try again in \d+ seconds?\.$/,
    );
    await expect(first.page.getByTestId('sign-in-submit')).toBeDisabled();
    expect(Number(await error.getAttribute('data-retry-after-ms'))).toBeGreaterThan(0);
    await shot(first.page, 'locked-out');
    await first.stop();

    const second = await launch();
    // Even the right password is refused until the wait is over.
    await submitSignIn(second.page, 'dave', { password: PASSWORD });
    const again = second.page.getByTestId('sign-in-error');
    await expect(again).toContainText(/Too many failed attempts/);
    await expect(second.page.getByTestId('lockout-countdown')).toHaveText(
      /^Try again in \d+ seconds?\.$/,
    );
    await expect(second.page.getByTestId('sign-in-submit')).toBeDisabled();
    const wait = Number(await again.getAttribute('data-retry-after-ms'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30_000);
    await expectScreen(second.page, 'sign-in');
    await shot(second.page, 'still-locked-after-restart');
  });
}
