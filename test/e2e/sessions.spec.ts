/**
 * Sessions: nothing destructive before the list loads or after it fails; every revoke asks
 * first, naming the device (or "all N other sessions"), and cancelling leaves everything as it
 * was; times are relative, with the exact time on hover, and move with the page clock.
 */
import type { Page } from '@playwright/test';
import { machineName } from '../../src/core/runtime/device-name';
import { expect, test } from './support/preview-test';
import {
  expectScreen,
  homeSessionId,
  launchSignedIn,
  openSessions,
  readSessions,
} from './support/ui';

const INTERNAL = JSON.stringify({
  ok: false,
  error: { code: 'INTERNAL', message: 'Something went wrong. Please try again.' },
});

/** Counts the revoke requests the page sends. */
function countRevokes(page: Page): () => number {
  let n = 0;
  page.on('request', (request) => {
    if (!request.url().endsWith('/api/invoke')) return;
    const { channel } = request.postDataJSON() as { channel?: string };
    if (channel === 'auth:revoke-session' || channel === 'auth:revoke-other-sessions') n += 1;
  });
  return () => n;
}

test('revoking asks first, naming the device or "all N other sessions"; cancel changes nothing', async ({
  launch,
  shot,
}) => {
  const [a, b, c] = await launchSignedIn(launch, 'olga', 3);
  const bId = await homeSessionId(b.page);
  const revokes = countRevokes(a.page);
  const before = await openSessions(a.page, 3);
  // Stable device names: the machine, never a port.
  for (const row of before) expect(row.device).toBe(`Browser preview on ${machineName()}`);
  await expect(a.page.getByTestId('current-session-badge')).toHaveText('This device');

  // One session: the dialog names its device and starts on Cancel.
  const bRow = a.page.locator(`[data-session-id="${bId}"]`);
  await bRow.getByTestId('revoke-session').click();
  const dialog = a.page.getByTestId('revoke-dialog');
  await expect(dialog).toBeVisible();
  await expect(a.page.getByTestId('revoke-dialog-title')).toHaveText(
    `Sign out Browser preview on ${machineName()}?`,
  );
  await expect(dialog).toContainText('signed in');
  await expect(a.page.getByTestId('cancel-revoke')).toBeFocused();
  await shot(a.page, 'confirm-one');
  await a.page.getByTestId('cancel-revoke').click();
  await expect(dialog).toHaveCount(0);
  await expect(bRow.getByTestId('revoke-session')).toBeFocused();

  // All others: the dialog counts them and lists their devices; Escape cancels.
  await a.page.getByTestId('revoke-others').click();
  await expect(a.page.getByTestId('revoke-dialog-title')).toHaveText(
    'Sign out all 2 other sessions?',
  );
  await expect(a.page.getByTestId('revoke-list').locator('li')).toHaveCount(2);
  await shot(a.page, 'confirm-all');
  await a.page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(a.page.getByTestId('revoke-others')).toBeFocused();

  // Nothing was sent, nothing changed, anywhere.
  expect(revokes()).toBe(0);
  await expect(a.page.getByTestId('sessions-status')).toBeEmpty();
  expect(await readSessions(a.page, 3)).toEqual(before);
  await a.page.getByTestId('sessions-refresh').click();
  expect(await readSessions(a.page, 3)).toEqual(before);
  await expectScreen(b.page, 'home');
  await expectScreen(c.page, 'home');

  // Confirming does it (the password was entered just now, so no prompt).
  await a.page.getByTestId('revoke-others').click();
  await a.page.getByTestId('confirm-revoke').click();
  await expect(a.page.getByTestId('sessions-status')).toHaveText('Signed out 2 other sessions.');
  expect(revokes()).toBe(1);
  await readSessions(a.page, 1);
  await expectScreen(b.page, 'sign-in');
  await expectScreen(c.page, 'sign-in');
});

test('nothing destructive shows before the list has loaded or after it failed to load', async ({
  launch,
}) => {
  const [{ page }] = await launchSignedIn(launch, 'pia', 2);

  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  let fail = false;
  await page.route('**/api/invoke', async (route) => {
    const { channel } = route.request().postDataJSON() as { channel?: string };
    if (channel !== 'auth:sessions') return route.continue();
    await held;
    if (fail) return route.fulfill({ contentType: 'application/json', body: INTERNAL });
    return route.continue();
  });

  // Loading: a loading state, no list, no sign-out buttons.
  await page.getByTestId('nav-sessions').click();
  await expect(page.getByTestId('sessions-loading')).toBeVisible();
  await expect(page.getByTestId('sessions-list')).toHaveAttribute('aria-busy', 'true');
  await expect(page.getByTestId('revoke-others')).toHaveCount(0);
  await expect(page.getByTestId('revoke-session')).toHaveCount(0);
  release();
  await readSessions(page, 2);
  await expect(page.getByTestId('revoke-others')).toBeVisible();

  // A failed load: the error and a way to try again; the list and its buttons go.
  fail = true;
  await page.getByTestId('sessions-refresh').click();
  await expect(page.getByTestId('sessions-error')).toContainText(
    'Your sessions could not be loaded.',
  );
  await expect(page.getByTestId('revoke-others')).toHaveCount(0);
  await expect(page.getByTestId('revoke-session')).toHaveCount(0);
  await expect(page.getByTestId('session-row')).toHaveCount(0);
  fail = false;
  await page.getByTestId('sessions-retry').click();
  await readSessions(page, 2);
  await expect(page.getByTestId('revoke-others')).toBeVisible();
});

test('times are relative, with the exact time on hover, and move with the page clock', async ({
  launch,
}) => {
  const [a, b] = await launchSignedIn(launch, 'quentin', 2);
  const bId = await homeSessionId(b.page);
  await a.page.clock.install();
  await openSessions(a.page, 2);
  const row = a.page.locator(`[data-session-id="${bId}"]`);
  await expect(row.getByTestId('session-active')).toHaveText('Last active just now');
  await expect(row.getByTestId('session-started')).toHaveText('Signed in just now');
  await expect(row.getByTestId('session-ends')).toHaveText('Ends in 12 hours if unused');
  await expect(a.page.locator('[data-current="true"]').getByTestId('session-active')).toHaveText(
    'Active now',
  );

  // The exact time, on hover, in a tooltip tied to the time.
  const started = row.getByTestId('session-started');
  await started.hover();
  const tooltip = row.locator('.reltime-wrap:hover [role="tooltip"]');
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toHaveText(/\d{4}.*\d{1,2}:\d{2}:\d{2}/);
  const tooltipId = await tooltip.getAttribute('id');
  expect(tooltipId).toBeTruthy();
  await expect(started).toHaveAttribute('aria-describedby', tooltipId!);

  // Three minutes later (page clock), the words have moved on.
  await a.page.clock.fastForward(3 * 60_000);
  await expect(row.getByTestId('session-active')).toHaveText('Last active 3 minutes ago');
  await expect(row.getByTestId('session-started')).toHaveText('Signed in 3 minutes ago');
});
