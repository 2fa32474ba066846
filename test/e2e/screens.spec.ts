/**
 * A tour of every screen and state, each looked at 360, 400 and 1280 px wide in the light and
 * the dark theme: no horizontal scrolling, axe clean, and screenshots at 360 and 1280 px saved
 * in test-results/e2e-artifacts/ (one folder per test) to look at.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Route } from '@playwright/test';
import { tour } from './support/tour';
import { expect, test } from './support/preview-test';
import {
  createAccount,
  expectScreen,
  homeSessionId,
  launchSignedIn,
  openSessions,
  PASSWORD,
  signOut,
  submitSignIn,
} from './support/ui';

const INTERNAL = JSON.stringify({
  ok: false,
  error: { code: 'INTERNAL', message: 'Something went wrong. Please try again.' },
});

/** Holds every invoke until `release()`; then lets them through. */
function holdInvokes(): { handler: (route: Route) => Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  return {
    handler: async (route) => {
      await held;
      await route.continue();
    },
    release,
  };
}

test.describe('every screen at 360, 400 and 1280 px, light and dark', () => {
  test.describe.configure({ timeout: 300_000 });

  test('signed out: loading, sign-in, errors, lock-out, create account, signed out', async ({
    launch,
    context,
  }, testInfo) => {
    const visit = tour(testInfo);
    // First paint, while main has not answered yet.
    const hold = holdInvokes();
    await context.route('**/api/invoke', hold.handler);
    const { page } = await launch();
    await expect(page.getByTestId('screen-loading')).toBeVisible();
    await visit(page, 'loading');
    hold.release();
    await expectScreen(page, 'sign-in');
    await context.unroute('**/api/invoke');
    await visit(page, 'sign-in');

    await page.getByTestId('sign-in-submit').click();
    await expect(page.getByTestId('sign-in-username-error')).toBeVisible();
    await visit(page, 'sign-in-empty');
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await submitSignIn(page, 'somebody', { password: `wrong password ${attempt}` });
      await expect(page.getByTestId('sign-in-error')).toContainText('Incorrect');
    }
    await expect(page.getByTestId('attempts-warning')).toBeVisible();
    await visit(page, 'sign-in-one-attempt-left');
    await submitSignIn(page, 'somebody', { password: 'wrong password 5' });
    await expect(page.getByTestId('lockout-countdown')).toBeVisible();
    await visit(page, 'sign-in-locked');

    await page.getByTestId('go-register').click();
    await expectScreen(page, 'register');
    await visit(page, 'create-account');
    await page.getByTestId('register-username').fill('no spaces allowed');
    await page.getByTestId('register-password').fill('short');
    await page.getByTestId('register-confirm').fill('shorter');
    await page.getByTestId('register-submit').click();
    await expect(page.getByTestId('register-confirm-error')).toBeVisible();
    await visit(page, 'create-account-errors');
    await page.getByTestId('register-username').fill('tour');
    await page.getByTestId('register-password').fill(PASSWORD);
    await page.getByTestId('register-password-toggle').click();
    await page.getByTestId('register-password').focus();
    await page.getByTestId('register-password').dispatchEvent('keydown', {
      key: 'a',
      modifierCapsLock: true,
    });
    await expect(page.getByTestId('register-password-caps')).toHaveText('Caps Lock is on.');
    await visit(page, 'create-account-shown-caps-lock');
    await page.getByTestId('register-password').dispatchEvent('keyup', { key: 'a' });
    await page.getByTestId('register-confirm').fill(PASSWORD);
    await page.getByTestId('register-submit').click();
    await expectScreen(page, 'home');
    await signOut(page);
    await visit(page, 'signed-out');
  });

  test('signed in: home, sessions, confirmations, password prompt, load error, change password', async ({
    launch,
  }, testInfo) => {
    const visit = tour(testInfo);
    // B and C start before anything is remembered (a start with session.enc restores it).
    const [a, b, c] = await launchSignedIn(launch, 'tour', 3, { remember: true });
    const bId = await homeSessionId(b.page);
    // A restarts and restores its session, so revoking asks for the password.
    await a.stop();
    const { page } = await launch();
    await expectScreen(page, 'home');
    await visit(page, 'home');

    const rows = await openSessions(page, 3);
    await visit(page, 'sessions');
    await page.getByTestId('revoke-others').click();
    await expect(page.getByTestId('revoke-dialog-title')).toHaveText(
      'Sign out all 2 other sessions?',
    );
    await visit(page, 'revoke-all-confirmation');
    await page.getByTestId('cancel-revoke').click();

    const other = rows.find((r) => !r.current);
    const row = page.locator(`[data-session-id="${other?.id}"]`);
    await row.getByTestId('revoke-session').click();
    await expect(page.getByTestId('revoke-dialog-title')).toHaveText(`Sign out ${other?.device}?`);
    await visit(page, 'revoke-confirmation');
    await page.getByTestId('confirm-revoke').click();
    await expect(page.getByTestId('reauth-password')).toBeFocused();
    await visit(page, 'password-prompt');
    await page.getByTestId('reauth-password').fill('not the password at all');
    await page.getByTestId('reauth-submit').click();
    await expect(page.getByTestId('reauth-password-error')).toHaveText('Incorrect password.');
    await visit(page, 'password-prompt-wrong');
    await page.getByTestId('reauth-password').fill(PASSWORD);
    await page.getByTestId('reauth-submit').click();
    await expect(page.getByTestId('sessions-status')).toContainText('Signed out');
    await expect(page.getByTestId('session-row')).toHaveCount(2);
    await visit(page, 'sessions-after-revoke');

    // The signed-out instance says why, in the user's words.
    const signedOut = other?.id === bId ? b : c;
    await expect(signedOut.page.getByTestId('signed-out-reason')).toContainText(
      'signed out from another of your sessions',
    );
    await visit(signedOut.page, 'signed-out-revoked');

    await page.route('**/api/invoke', async (route) => {
      const body = route.request().postDataJSON() as { channel?: string };
      if (body.channel === 'auth:sessions')
        await route.fulfill({ contentType: 'application/json', body: INTERNAL });
      else await route.continue();
    });
    await page.getByTestId('sessions-refresh').click();
    await expect(page.getByTestId('sessions-error')).toBeVisible();
    await visit(page, 'sessions-load-error');
    await page.unroute('**/api/invoke');

    await page.getByTestId('nav-change-password').click();
    await expectScreen(page, 'change-password');
    await visit(page, 'change-password');
    await page.getByTestId('new-password').fill('short');
    await page.getByTestId('change-password-submit').click();
    await expect(page.getByTestId('current-password-error')).toBeVisible();
    await visit(page, 'change-password-errors');
    await page.getByTestId('current-password').fill(PASSWORD);
    await page.getByTestId('new-password').fill('a completely different passphrase');
    await page.getByTestId('confirm-password').fill('a completely different passphrase');
    await page.getByTestId('change-password-submit').click();
    await expect(page.getByTestId('change-password-status')).toContainText('changed');
    await visit(page, 'change-password-done');
  });

  test('no keyring, a basic password store, the host gone, and outside the app', async ({
    launch,
    driver,
    dataDir,
    context,
  }, testInfo) => {
    const visit = tour(testInfo);
    for (const mode of ['unavailable', 'basic_text'] as const) {
      const dir = path.join(dataDir, mode);
      fs.mkdirSync(dir);
      const app = await launch({ dataDir: dir, secretStore: mode });
      await expectScreen(app.page, 'sign-in');
      await visit(app.page, `sign-in-${mode}`);
      await createAccount(app.page, `tour-${mode.replace('_', '-')}`);
      await visit(app.page, `home-${mode}`);
      await app.stop();
    }

    const app = await launch();
    await createAccount(app.page, 'tour');
    await app.stopBackend?.();
    await app.page.getByTestId('nav-sessions').click();
    await expect(app.page.getByTestId('connection-banner')).toBeVisible();
    await expect(app.page.getByTestId('sessions-error')).toBeVisible();
    await visit(app.page, 'sessions-host-gone');

    await context.route('**/preview-bridge.js', (route) => route.abort());
    const outsideDir = path.join(dataDir, 'outside');
    fs.mkdirSync(outsideDir);
    const outside = await driver.launch({ dataDir: outsideDir });
    await expect(outside.page.getByTestId('screen-no-bridge')).toBeVisible();
    await visit(outside.page, 'no-bridge');
  });
});
