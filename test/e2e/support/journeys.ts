/**
 * The user journeys, written once against a {@link Driver}: the preview spec runs them
 * in Chromium against the preview host, the Electron spec through `_electron` where a binary
 * exists. Each test gets a fresh data directory and saves a screenshot of every screen it visits.
 */
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type {
  Page,
  PlaywrightTestArgs,
  PlaywrightTestOptions,
  PlaywrightWorkerArgs,
  PlaywrightWorkerOptions,
  TestType,
} from '@playwright/test';
import { expect, type JourneyFixtures } from './fixtures';
import {
  createAccount,
  expectScreen,
  focusIsVisible,
  homeSessionId,
  NEW_PASSWORD,
  openSessions,
  PASSWORD,
  readSessions,
  signIn,
  signOut,
  submitSignIn,
  tabTo,
} from './ui';

export type JourneyTest = TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & JourneyFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions
>;

const HOUR = 3_600_000;
/** A revocation by another process must reach the page within this (the runtime polls every 2 s). */
const PROMPTLY_MS = 8_000;

export function defineJourneys(test: JourneyTest): void {
  test('1 create an account, land on home, sign out, sign in again', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    const app = await driver.launch({ dataDir });
    const { page } = app;
    guard.watch(page);
    await expectScreen(page, 'sign-in');
    await expect(page.getByTestId('signed-out-reason')).toBeEmpty();
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
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    const first = await driver.launch({ dataDir });
    guard.watch(first.page);
    await createAccount(first.page, 'bob');
    await signOut(first.page);
    await signIn(first.page, 'bob', { remember: true });
    await expect(first.page.getByTestId('home-remembered')).toContainText('Yes');
    const rows = await openSessions(first.page, 1);
    const before = rows.find((r) => r.current);
    expect(before).toBeDefined();
    await shot(first.page, 'sessions-before-restart');
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, 'session.enc'))).toBe(true);

    const second = await driver.launch({ dataDir });
    guard.watch(second.page);
    await expectScreen(second.page, 'home');
    await expect(second.page.getByTestId('header-user')).toContainText('bob');
    expect(await homeSessionId(second.page)).toBe(before?.id);
    await shot(second.page, 'home-after-restart');
    const after = await openSessions(second.page, 1);
    expect(after).toEqual([expect.objectContaining({ id: before?.id, current: true })]);
    await shot(second.page, 'sessions-after-restart');
  });

  test('3 without keep me signed in, a restart returns to sign-in', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    const first = await driver.launch({ dataDir });
    guard.watch(first.page);
    await createAccount(first.page, 'carol');
    await expect(first.page.getByTestId('home-remembered')).toContainText('No');
    await shot(first.page, 'home');
    await first.stop();
    expect(fs.existsSync(path.join(dataDir, 'session.enc'))).toBe(false);

    const second = await driver.launch({ dataDir });
    guard.watch(second.page);
    await expectScreen(second.page, 'sign-in');
    await expect(second.page.getByTestId('signed-out-reason')).toBeEmpty();
    await shot(second.page, 'sign-in-after-restart');
    // The ended session is gone from the list, not a phantom.
    await signIn(second.page, 'carol');
    expect(await openSessions(second.page, 1)).toHaveLength(1);
  });

  test('4 five wrong passwords lock the account, and a restart keeps the lock', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    const first = await driver.launch({ dataDir });
    guard.watch(first.page);
    await createAccount(first.page, 'dave');
    await signOut(first.page);
    const error = first.page.getByTestId('sign-in-error');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await submitSignIn(first.page, 'dave', { password: `wrong password number ${attempt}` });
      // (The form clears the message on submit, so this waits for this attempt's answer.)
      await expect(error).toHaveText('Incorrect username or password.');
    }
    await submitSignIn(first.page, 'dave', { password: 'wrong password number 5' });
    await expect(error).toContainText(
      /Too many failed attempts\. Try again in \d+ seconds? \(at .+\)\./,
    );
    expect(Number(await error.getAttribute('data-retry-after-ms'))).toBeGreaterThan(0);
    await shot(first.page, 'locked-out');
    await first.stop();

    const second = await driver.launch({ dataDir });
    guard.watch(second.page);
    // Even the right password is refused until the wait is over.
    await submitSignIn(second.page, 'dave', { password: PASSWORD });
    const again = second.page.getByTestId('sign-in-error');
    await expect(again).toContainText(/Too many failed attempts\. Try again in \d+ seconds?/);
    const wait = Number(await again.getAttribute('data-retry-after-ms'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(30_000);
    await expectScreen(second.page, 'sign-in');
    await shot(second.page, 'still-locked-after-restart');
  });

  test('5 two instances on one profile: each marks its own session; revoking the other signs it out', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    test.skip(
      driver.lacks('two-instances-one-profile') !== null,
      driver.lacks('two-instances-one-profile') ?? '',
    );
    // Both instances start before anything is remembered (an instance that starts while
    // session.enc exists restores that session, as the app does).
    let a = await driver.launch({ dataDir });
    guard.watch(a.page);
    const b = await driver.launch({ dataDir });
    guard.watch(b.page);
    await createAccount(a.page, 'erin', { remember: true });
    await signIn(b.page, 'erin');
    const bId = await homeSessionId(b.page);
    // A restarts and restores its remembered session: its re-authentication window is now empty,
    // so its first revoke must ask for the password.
    const aBefore = await homeSessionId(a.page);
    await a.stop();
    a = await driver.launch({ dataDir });
    guard.watch(a.page);
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
    // Each row says which instance it belongs to (A's session was made by its first run).
    if (b.device) expect(fromA.find((r) => r.id === bId)?.device).toBe(b.device);
    expect(fromA.find((r) => r.id === aId)?.device).not.toBe(
      fromA.find((r) => r.id === bId)?.device,
    );
    // The current session has no revoke button.
    await expect(
      a.page.locator(`[data-session-id="${aId}"]`).getByTestId('revoke-session'),
    ).toHaveCount(0);
    await expect(a.page.getByTestId('current-session-badge')).toHaveCount(1);
    await shot(a.page, 'sessions-instance-a');
    await shot(b.page, 'sessions-instance-b');

    // A revokes B: main asks for the password first.
    await a.page.locator(`[data-session-id="${bId}"]`).getByTestId('revoke-session').click();
    const dialog = a.page.getByTestId('reauth-dialog');
    await expect(dialog).toBeVisible();
    await expect(a.page.getByTestId('reauth-password')).toBeFocused();
    await shot(a.page, 'password-prompt');
    await a.page.getByTestId('reauth-password').fill('not my password at all');
    await a.page.getByTestId('reauth-submit').click();
    await expect(a.page.getByTestId('reauth-password-error')).toHaveText('Incorrect password.');
    await a.page.getByTestId('reauth-password').fill(PASSWORD);
    await a.page.getByTestId('reauth-submit').click();
    await expect(dialog).toHaveCount(0);
    await expect(a.page.getByTestId('sessions-status')).toContainText('Signed out the session');
    await readSessions(a.page, 1);

    // B hears it through auth:state-changed, without doing anything.
    await expectScreen(b.page, 'sign-in');
    await expect(b.page.getByTestId('signed-out-reason')).toHaveText(
      'You were signed out from another session.',
      {
        timeout: PROMPTLY_MS,
      },
    );
    await shot(b.page, 'signed-out-by-other-session');
    await shot(a.page, 'sessions-after-revoke');

    // B signs in again; A signs out all others (the password was just entered: no prompt).
    await signIn(b.page, 'erin');
    await a.page.getByTestId('sessions-refresh').click();
    await readSessions(a.page, 2);
    await a.page.getByTestId('revoke-others').click();
    await expect(a.page.getByTestId('sessions-status')).toHaveText('Signed out 1 other session.');
    await expect(a.page.getByTestId('reauth-dialog')).toHaveCount(0);
    await expect(b.page.getByTestId('signed-out-reason')).toHaveText(
      'You were signed out from another session.',
      {
        timeout: PROMPTLY_MS,
      },
    );
    await readSessions(a.page, 1);
    await expect(a.page.getByTestId('no-other-sessions')).toBeVisible();
    await expect(a.page.getByTestId('revoke-others')).toBeHidden();
  });

  test('6 changing the password ends the other sessions and keeps this one', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    test.skip(
      driver.lacks('two-instances-one-profile') !== null,
      driver.lacks('two-instances-one-profile') ?? '',
    );
    const a = await driver.launch({ dataDir });
    guard.watch(a.page);
    await createAccount(a.page, 'frank');
    const aId = await homeSessionId(a.page);
    const b = await driver.launch({ dataDir });
    guard.watch(b.page);
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

    await expect(b.page.getByTestId('signed-out-reason')).toHaveText(
      'You were signed out because your password changed.',
      {
        timeout: PROMPTLY_MS,
      },
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
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    test.skip(driver.lacks('clock-control') !== null, driver.lacks('clock-control') ?? '');
    const app = await driver.launch({ dataDir });
    guard.watch(app.page);
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

  for (const mode of ['unavailable', 'basic_text'] as const) {
    test(`8 secure storage ${mode}: the notice shows and a restart does not restore`, async ({
      driver,
      dataDir,
      guard,
      shot,
    }) => {
      test.skip(driver.lacks(mode) !== null, driver.lacks(mode) ?? '');
      const first = await driver.launch({ dataDir, secretStore: mode });
      guard.watch(first.page);
      await expectScreen(first.page, 'sign-in');
      await expect(first.page.getByTestId('sign-in-remember-hint')).toContainText(
        'Not available on this computer',
      );
      await shot(first.page, `sign-in-${mode}`);
      await createAccount(first.page, 'heidi', { remember: true });
      const notice = first.page.getByTestId('storage-notice');
      await expect(notice).toBeVisible();
      await expect(notice).toHaveAttribute(
        'data-reason',
        mode === 'unavailable' ? 'unavailable' : 'weak-backend',
      );
      await expect(notice).toContainText(
        mode === 'unavailable'
          ? 'no secure storage on this computer'
          : 'only offers a weak key store',
      );
      await expect(first.page.getByTestId('home-remembered')).toContainText('No');
      await shot(first.page, `home-storage-${mode}`);
      await first.stop();
      expect(fs.existsSync(path.join(dataDir, 'session.enc'))).toBe(false);

      const second = await driver.launch({ dataDir, secretStore: mode });
      guard.watch(second.page);
      await expectScreen(second.page, 'sign-in');
      await shot(second.page, `sign-in-after-restart-${mode}`);
    });
  }

  test('9 a corrupted session.enc: the app starts at sign-in, no error page', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    const first = await driver.launch({ dataDir });
    guard.watch(first.page);
    await createAccount(first.page, 'ivan', { remember: true });
    await first.stop();
    const file = path.join(dataDir, 'session.enc');
    const original = fs.readFileSync(file, 'utf8');
    // Keep the header, scramble the encrypted body.
    const [header = '', body = ''] = original.split('\n');
    const scrambled = body.split('').reverse().join('');
    fs.writeFileSync(file, `${header}\n${scrambled === body ? `x${body}` : scrambled}\n`);

    const second = await driver.launch({ dataDir });
    guard.watch(second.page);
    await expectScreen(second.page, 'sign-in');
    await expect(second.page.getByTestId('signed-out-reason')).toContainText(
      'could not be restored',
    );
    await expect(second.page.locator('body')).not.toContainText(/error|exception|stack/i);
    await shot(second.page, 'sign-in-after-corrupt-session-file');
    expect(fs.existsSync(file)).toBe(false);
    await signIn(second.page, 'ivan');

    // Garbage that is not even the file format: same outcome.
    await second.stop();
    fs.writeFileSync(file, Buffer.from([0, 1, 2, 3, 255, 254, 10, 10, 42]));
    const third = await driver.launch({ dataDir });
    guard.watch(third.page);
    await expectScreen(third.page, 'sign-in');
    await shot(third.page, 'sign-in-after-garbage-session-file');
  });

  test('10a accessibility: no serious or critical axe violation on any screen', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    const scan = async (page: Page, name: string): Promise<void> => {
      const result = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
        .analyze();
      const bad = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      expect(bad, `axe on ${name}`).toEqual([]);
      await shot(page, name);
    };
    const app = await driver.launch({ dataDir });
    const { page } = app;
    guard.watch(page);
    await expectScreen(page, 'sign-in');
    await scan(page, 'sign-in');
    await page.getByTestId('go-register').click();
    await expectScreen(page, 'register');
    await scan(page, 'create-account');
    await page.getByTestId('register-submit').click();
    await expect(page.getByTestId('register-username-error')).toBeVisible();
    await scan(page, 'create-account-with-errors');
    await page.getByTestId('register-username').fill('judy');
    await page.getByTestId('register-password').fill(PASSWORD);
    await page.getByTestId('register-confirm').fill(PASSWORD);
    await page.getByTestId('register-remember').check();
    await page.getByTestId('register-submit').click();
    await expectScreen(page, 'home');
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

    // The password prompt: a restarted (restored) session must re-enter its password to revoke.
    // The second instance starts first: one that starts while session.enc exists restores it.
    const second = await driver.launch({ dataDir });
    guard.watch(second.page);
    await signIn(page, 'judy', { remember: true });
    await signIn(second.page, 'judy');
    await app.stop();
    const restarted = await driver.launch({ dataDir });
    guard.watch(restarted.page);
    await expectScreen(restarted.page, 'home');
    await openSessions(restarted.page, 2);
    await restarted.page.getByTestId('revoke-others').click();
    await expect(restarted.page.getByTestId('reauth-dialog')).toBeVisible();
    await scan(restarted.page, 'password-prompt');
    await restarted.page.keyboard.press('Escape');
    await expect(restarted.page.getByTestId('reauth-dialog')).toHaveCount(0);
    await expect(restarted.page.getByTestId('revoke-others')).toBeFocused();
    await readSessions(restarted.page, 2);
  });

  test('10b keyboard only: create an account, sign out, sign in, with visible focus', async ({
    driver,
    dataDir,
    guard,
    shot,
  }) => {
    const app = await driver.launch({ dataDir });
    const { page } = app;
    guard.watch(page);
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
    await tabTo(page, 'register-confirm');
    await kb.type(PASSWORD);
    await kb.press('Enter');
    await expectScreen(page, 'home');
    await shot(page, 'keyboard-home');

    await tabTo(page, 'nav-sessions');
    expect(await focusIsVisible(page)).toBe(true);
    await kb.press('Enter');
    await expectScreen(page, 'sessions');
    await expect(page.getByTestId('session-row')).toHaveCount(1);
    await tabTo(page, 'sign-out');
    expect(await focusIsVisible(page)).toBe(true);
    await shot(page, 'keyboard-focus-on-sign-out');
    await kb.press('Enter');
    await expectScreen(page, 'sign-in');

    // Sign in: name, Tab, password, Tab, Space on "keep me signed in", Enter.
    await expect(page.getByTestId('sign-in-username')).toBeFocused();
    await kb.type('kim');
    await kb.press('Tab');
    await expect(page.getByTestId('sign-in-password')).toBeFocused();
    await kb.type(PASSWORD);
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
