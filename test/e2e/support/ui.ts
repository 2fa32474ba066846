/** What a user does in the app, by data-testid. */
import { expect, type Page } from '@playwright/test';
import type { AppInstance } from './driver';
import type { Launch } from './fixtures';

export const PASSWORD = 'correct horse battery staple';
export const NEW_PASSWORD = 'a completely different passphrase';

export type ScreenName =
  'sign-in' | 'register' | 'home' | 'profile' | 'sessions' | 'change-password';

export async function expectScreen(page: Page, name: ScreenName): Promise<void> {
  await expect(page.getByTestId(`screen-${name}`)).toBeVisible();
}

export async function createAccount(
  page: Page,
  username: string,
  options: { password?: string; remember?: boolean } = {},
): Promise<void> {
  const password = options.password ?? PASSWORD;
  await expectScreen(page, 'sign-in');
  await page.getByTestId('go-register').click();
  await expectScreen(page, 'register');
  await page.getByTestId('register-username').fill(username);
  await page.getByTestId('register-password').fill(password);
  await page.getByTestId('register-confirm').fill(password);
  if (options.remember) await page.getByTestId('register-remember').check();
  await page.getByTestId('register-submit').click();
  await expectScreen(page, 'home');
  await expect(page.getByTestId('header-user')).toContainText(username);
}

/** Fills and submits the sign-in form; does not wait for any particular outcome. */
export async function submitSignIn(
  page: Page,
  username: string,
  options: { password?: string; remember?: boolean } = {},
): Promise<void> {
  await expectScreen(page, 'sign-in');
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(options.password ?? PASSWORD);
  await page.getByTestId('sign-in-remember').setChecked(options.remember ?? false);
  await page.getByTestId('sign-in-submit').click();
}

export async function signIn(
  page: Page,
  username: string,
  options: { password?: string; remember?: boolean } = {},
): Promise<void> {
  await submitSignIn(page, username, options);
  await expectScreen(page, 'home');
  await expect(page.getByTestId('header-user')).toContainText(username);
}

/** `N` app instances as a tuple, so that each one can be named when destructured. */
type Instances<N extends number, T extends AppInstance[] = []> = T['length'] extends N
  ? T
  : Instances<N, [...T, AppInstance]>;

/**
 * Starts `count` instances on one data directory, creates `username` on the first and signs each
 * other one in as that user, so the first sees `count - 1` other sessions. Every instance starts
 * before the account exists: one that starts while session.enc exists restores that session.
 */
export async function launchSignedIn<N extends number>(
  launch: Launch,
  username: string,
  count: N,
  options: { remember?: boolean } = {},
): Promise<Instances<N>> {
  const instances: AppInstance[] = [];
  for (let i = 0; i < count; i += 1) instances.push(await launch());
  const [first, ...others] = instances;
  if (!first) throw new Error('launchSignedIn needs at least one instance');
  await createAccount(first.page, username, options);
  for (const other of others) await signIn(other.page, username);
  return instances as Instances<N>;
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('sign-out').click();
  await expectScreen(page, 'sign-in');
}

export interface SessionRow {
  id: string;
  current: boolean;
  device: string;
}

/** Opens the sessions screen and reads its rows once `count` rows show. */
export async function openSessions(page: Page, count?: number): Promise<SessionRow[]> {
  await page.getByTestId('nav-sessions').click();
  await expectScreen(page, 'sessions');
  return readSessions(page, count);
}

export async function readSessions(page: Page, count?: number): Promise<SessionRow[]> {
  const rows = page.getByTestId('session-row');
  if (count === undefined) await expect(rows.first()).toBeVisible();
  else await expect(rows).toHaveCount(count);
  await expect(page.getByTestId('sessions-list')).toHaveAttribute('aria-busy', 'false');
  const result: SessionRow[] = [];
  for (const row of await rows.all()) {
    result.push({
      id: (await row.getAttribute('data-session-id')) ?? '',
      current: (await row.getAttribute('data-current')) === 'true',
      device: (await row.getByTestId('session-device').textContent()) ?? '',
    });
  }
  return result;
}

/** The id of the session the home screen shows. */
export async function homeSessionId(page: Page): Promise<string> {
  const id = await page.getByTestId('home-session').getAttribute('data-session-id');
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return id ?? '';
}

/** Presses Tab until the element with `testId` has focus; fails if it is not reachable. */
export async function tabTo(page: Page, testId: string, max = 25): Promise<void> {
  for (let i = 0; i < max; i += 1) {
    const focused = await page.evaluate(
      () => document.activeElement?.getAttribute('data-testid') ?? null,
    );
    if (focused === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${testId} was not reachable with Tab in ${max} presses`);
}

/** True when the focused element draws a visible outline. */
export async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  });
}
