/**
 * Every password field has a show/hide toggle and a Caps Lock warning; change password names
 * the account in a hidden username field for password managers; the username and password
 * rules are checked before anything is sent, every problem at once, in the server's words.
 */
import type { Page } from '@playwright/test';
import { PASSWORD_RULE, USERNAME_RULE } from '../../src/contract/account-rules';
import { expect, test } from './support/preview-test';
import { createAccount, expectScreen, openSessions, signIn } from './support/ui';

/** The toggle shows and hides the password; the Caps Lock warning follows the key state. */
async function expectPasswordExtras(page: Page, testId: string): Promise<void> {
  const input = page.getByTestId(testId);
  const toggle = page.getByTestId(`${testId}-toggle`);
  const caps = page.getByTestId(`${testId}-caps`);
  await input.fill('typed secret value');
  await expect(input).toHaveAttribute('type', 'password');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(toggle).toHaveAccessibleName('Show password');
  await toggle.click();
  await expect(input).toHaveAttribute('type', 'text');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  await expect(input).toHaveValue('typed secret value');
  await toggle.click();
  await expect(input).toHaveAttribute('type', 'password');

  // Caps Lock: a key event reports the modifier state; the warning is tied to the field.
  await input.focus();
  await expect(caps).toBeEmpty();
  await input.dispatchEvent('keydown', { key: 'A', modifierCapsLock: true });
  await expect(caps).toHaveText('Caps Lock is on.');
  const capsId = await caps.getAttribute('id');
  await expect(input).toHaveAttribute('aria-describedby', new RegExp(`\\b${capsId}\\b`));
  await input.dispatchEvent('keyup', { key: 'a', modifierCapsLock: false });
  await expect(caps).toBeEmpty();
  // It shows only while the field has focus.
  await input.dispatchEvent('keydown', { key: 'A', modifierCapsLock: true });
  await expect(caps).toHaveText('Caps Lock is on.');
  await input.blur();
  await expect(caps).toBeEmpty();
  await page.locator('body').dispatchEvent('keyup', { key: 'a', modifierCapsLock: false });
  await input.fill('');
}

test('every password field has a show/hide toggle and a Caps Lock warning', async ({ launch }) => {
  // B starts first: an instance that starts while session.enc exists restores that session.
  const a = await launch();
  const b = await launch();
  const { page } = a;
  await expectScreen(page, 'sign-in');
  await expectPasswordExtras(page, 'sign-in-password');
  await page.getByTestId('go-register').click();
  for (const id of ['register-password', 'register-confirm']) await expectPasswordExtras(page, id);
  await page.getByTestId('go-sign-in').click();
  await createAccount(page, 'pat', { remember: true });
  await page.getByTestId('nav-change-password').click();
  for (const id of ['current-password', 'new-password', 'confirm-password'])
    await expectPasswordExtras(page, id);

  // The password prompt of a revoke: a restored session must give its password again.
  await signIn(b.page, 'pat');
  await a.stop();
  const restarted = await launch();
  await openSessions(restarted.page, 2);
  await restarted.page.getByTestId('revoke-session').click();
  await restarted.page.getByTestId('confirm-revoke').click();
  await expect(restarted.page.getByTestId('reauth-password')).toBeFocused();
  await expectPasswordExtras(restarted.page, 'reauth-password');
});

test('change password names the account in a hidden username field, first in the form', async ({
  launch,
}) => {
  const { page } = await launch();
  await createAccount(page, 'quinn');
  await page.getByTestId('nav-change-password').click();
  const username = page.getByTestId('change-password-username');
  await expect(username).toHaveValue('quinn');
  await expect(username).toHaveAttribute('autocomplete', 'username');
  await expect(username).toBeHidden();
  const first = await page
    .getByTestId('change-password-form')
    .evaluate((form) => form.querySelector('input')?.getAttribute('data-testid'));
  expect(first).toBe('change-password-username');
  await expect(page.getByTestId('new-password')).toHaveAttribute('autocomplete', 'new-password');
  await expect(page.getByTestId('current-password')).toHaveAttribute(
    'autocomplete',
    'current-password',
  );
});

test('create account checks every rule before sending, all errors at once, in the server’s words', async ({
  launch,
}) => {
  const { page } = await launch();
  const sent: string[] = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/invoke'))
      sent.push((request.postDataJSON() as { channel: string }).channel);
  });
  await page.getByTestId('go-register').click();
  await expect(page.getByTestId('username-rules')).toHaveText(USERNAME_RULE);
  await expect(page.getByTestId('password-rules')).toHaveText(PASSWORD_RULE);

  await page.getByTestId('register-username').fill('-not a name');
  await page.getByTestId('register-password').fill('eleven char');
  await page.getByTestId('register-confirm').fill('something else');
  await page.getByTestId('register-submit').click();
  const expected: Array<[string, string]> = [
    ['register-username', USERNAME_RULE],
    ['register-password', 'Use at least 12 characters.'],
    ['register-confirm', 'The passwords do not match.'],
  ];
  for (const [id, text] of expected) {
    const error = page.getByTestId(`${id}-error`);
    await expect(error).toHaveText(text);
    await expect(page.getByTestId(id)).toHaveAttribute('aria-invalid', 'true');
    const errorId = await error.getAttribute('id');
    await expect(page.getByTestId(id)).toHaveAttribute(
      'aria-describedby',
      new RegExp(`\\b${errorId}\\b`),
    );
  }
  // Focus goes to the first problem; the rule is not said twice (hint hidden under the error).
  await expect(page.getByTestId('register-username')).toBeFocused();
  await expect(page.getByTestId('username-rules')).toBeHidden();
  // The live count says how far the password is from the minimum.
  await expect(page.getByTestId('register-password-length')).toHaveText(
    '11 of at least 12 characters',
  );
  expect(sent.filter((c) => c === 'auth:register')).toEqual([]);

  // Editing a field clears its error; the next submit checks again.
  await page.getByTestId('register-username').fill('rowan');
  await expect(page.getByTestId('register-username-error')).toBeHidden();
  await expect(page.getByTestId('register-username')).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('register-password').fill('eleven chars');
  await page.getByTestId('register-confirm').fill('eleven chars');
  await page.getByTestId('register-submit').click();
  await expectScreen(page, 'home');
  expect(sent.filter((c) => c === 'auth:register')).toHaveLength(1);
});
