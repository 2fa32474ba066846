/**
 * Lock-outs: a warning before the attempt that locks, a live countdown driven by the page clock
 * with the button disabled until it ends, the same warning on change password (whose wrong
 * current passwords lock sign-in too), and a burst of Enter presses counted once.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/preview-test';
import { createAccount, expectScreen, PASSWORD, signOut } from './support/ui';

/** Counts the requests the page sends on `channel`. */
function countRequests(page: Page, channel: string): () => number {
  let n = 0;
  page.on('request', (request) => {
    if (!request.url().endsWith('/api/invoke')) return;
    if ((request.postDataJSON() as { channel?: string }).channel === channel) n += 1;
  });
  return () => n;
}

/**
 * The page clock, paused (a minute ahead of the real one): the countdown moves only when the test
 * moves it, however slowly the machine runs the steps in between.
 */
async function pausedClock(page: Page): Promise<void> {
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 60_000);
}

async function tryPassword(page: Page, password: string): Promise<void> {
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

test('the countdown follows the page clock, the button stays disabled until it ends', async ({
  launch,
  shot,
}) => {
  const app = await launch();
  const { page } = app;
  await createAccount(page, 'lee');
  await signOut(page);
  await pausedClock(page);
  await page.getByTestId('sign-in-username').fill('lee');
  const error = page.getByTestId('sign-in-error');
  const warning = page.getByTestId('attempts-warning');
  for (let attempt = 1; attempt <= 4; attempt += 1) {
    await tryPassword(page, `wrong password ${attempt}`);
    await expect(error).toContainText('Incorrect username or password.');
    if (attempt < 4) await expect(warning).toHaveCount(0);
  }
  await expect(warning).toHaveText(
    'One attempt left: one more wrong password pauses sign-in for this account for 30 seconds.',
  );

  await tryPassword(page, 'wrong password 5');
  const countdown = page.getByTestId('lockout-countdown');
  const submit = page.getByTestId('sign-in-submit');
  await expect(countdown).toHaveText('Try again in 30 seconds.');
  await expect(submit).toBeDisabled();
  await shot(page, 'locked-30');
  await page.clock.runFor(5_000);
  await expect(countdown).toHaveText('Try again in 25 seconds.');
  await page.clock.runFor(10_000);
  await expect(countdown).toHaveText('Try again in 15 seconds.');
  await expect(submit).toBeDisabled();
  // Enter in the field does nothing while locked.
  await page.getByTestId('sign-in-password').press('Enter');
  await expect(countdown).toHaveText('Try again in 15 seconds.');

  // The host's lock ends with its own clock; the page's ends with the page clock.
  await app.setClockOffset?.(31_000);
  await page.clock.runFor(14_000);
  await expect(countdown).toHaveText('Try again in 1 second.');
  await expect(submit).toBeDisabled();
  await page.clock.runFor(1_000);
  await expect(page.getByTestId('lockout-ended')).toHaveText('You can try again now.');
  await expect(warning).toHaveText(/^Another wrong password pauses sign-in for this account again/);
  await expect(submit).toBeEnabled();
  await shot(page, 'lock-ended');
  await tryPassword(page, PASSWORD);
  await expectScreen(page, 'home');
});

test('a burst of Enter presses sends one sign-in and counts one failure', async ({ launch }) => {
  const { page } = await launch();
  await createAccount(page, 'moe');
  await signOut(page);
  const logins = countRequests(page, 'auth:login');
  await page.getByTestId('sign-in-username').fill('moe');
  await page.getByTestId('sign-in-password').fill('wrong password one');

  // While the answer is held back, eight Enter presses send one request.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/api/invoke', async (route) => {
    await held;
    await route.continue();
  });
  for (let i = 0; i < 8; i += 1) await page.getByTestId('sign-in-password').press('Enter');
  await expect(page.getByTestId('sign-in-submit')).toBeDisabled();
  expect(logins()).toBe(1);
  release();
  const error = page.getByTestId('sign-in-error');
  await expect(error).toContainText('Incorrect username or password.');
  await page.unroute('**/api/invoke');

  // After the answer, the same credentials again are not sent again.
  for (let i = 0; i < 8; i += 1) await page.getByTestId('sign-in-password').press('Enter');
  await expect(error).toContainText('Incorrect username or password.');
  expect(logins()).toBe(1);

  // The host counted one failure: three more distinct wrong passwords are answered as
  // incorrect (the fourth warns), and only the fifth locks.
  for (let attempt = 2; attempt <= 4; attempt += 1) {
    await tryPassword(page, `wrong password ${attempt}`);
    await expect(error).toContainText('Incorrect username or password.');
  }
  await expect(page.getByTestId('attempts-warning')).toContainText('One attempt left');
  await tryPassword(page, 'wrong password 5');
  await expect(page.getByTestId('lockout-countdown')).toBeVisible();
  expect(logins()).toBe(5);
});

test('wrong current passwords on change password warn, then pause password checks with a countdown', async ({
  launch,
  shot,
}) => {
  const { page } = await launch();
  await createAccount(page, 'nia');
  await page.getByTestId('nav-change-password').click();
  await pausedClock(page);
  const warning = page.getByTestId('attempts-warning');
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    await page.getByTestId('current-password').fill(`wrong current ${attempt}`);
    await page.getByTestId('new-password').fill('a completely different passphrase');
    await page.getByTestId('confirm-password').fill('a completely different passphrase');
    await page.getByTestId('change-password-submit').click();
    if (attempt < 5) {
      await expect(page.getByTestId('current-password-error')).toHaveText(
        'Incorrect current password.',
      );
    }
    if (attempt < 4) await expect(warning).toHaveCount(0);
    if (attempt === 4) {
      await expect(warning).toContainText('One attempt left');
      await expect(warning).toContainText('sign-in');
      await shot(page, 'change-password-one-attempt-left');
    }
  }
  const error = page.getByTestId('change-password-error');
  await expect(error).toContainText('password checks for this account are paused (signing in too)');
  await expect(page.getByTestId('lockout-countdown')).toHaveText('Try again in 30 seconds.');
  await expect(page.getByTestId('change-password-submit')).toBeDisabled();
  await shot(page, 'change-password-locked');
  await page.clock.runFor(10_000);
  await expect(page.getByTestId('lockout-countdown')).toHaveText('Try again in 20 seconds.');

  // Sign-in is paused too: the core counts per account.
  const other = await launch();
  await other.page.getByTestId('sign-in-username').fill('nia');
  await other.page.getByTestId('sign-in-password').fill(PASSWORD);
  await other.page.getByTestId('sign-in-submit').click();
  await expect(other.page.getByTestId('lockout-countdown')).toBeVisible();
  await expect(other.page.getByTestId('sign-in-submit')).toBeDisabled();
});
