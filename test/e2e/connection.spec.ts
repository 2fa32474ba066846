/**
 * First paint and the link to the host: a loading state instead of a blank page while the
 * first check runs; a banner when the preview host stops under the page (on a failed call, and
 * on a signed-out page left open); the favicon and every asset load without a 404.
 */
import { expect, test } from './support/preview-test';
import { createAccount, expectScreen, openSessions } from './support/ui';

test('a loading state on first paint, never a blank page', async ({ launch, context }) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await context.route('**/api/invoke', async (route) => {
    await held;
    await route.continue();
  });
  const { page } = await launch();
  await expect(page.getByTestId('screen-loading')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Opening Justice Companion');
  await expect(page.getByTestId('loading')).toContainText('Checking for a saved sign-in');
  await expect(page.getByTestId('brand')).toContainText('Justice Companion');
  release();
  await expectScreen(page, 'sign-in');
  await context.unroute('**/api/invoke');
});

test('a banner when the host stops under a signed-in page, on the next call', async ({
  launch,
}) => {
  const app = await launch();
  const { page } = app;
  await createAccount(page, 'rae');
  await openSessions(page, 1);
  await expect(page.getByTestId('connection-banner')).toHaveCount(0);
  await app.stopBackend?.();
  await page.getByTestId('sessions-refresh').click();
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('The preview host is not responding');
  await expect(banner).toHaveAttribute('role', 'alert');
  // Nothing destructive stays on screen once the list cannot be trusted.
  await expect(page.getByTestId('sessions-error')).toBeVisible();
  await expect(page.getByTestId('revoke-others')).toHaveCount(0);
  // "Check again" checks, and the banner stays while the host is gone.
  await page.getByTestId('connection-retry').click();
  await expect(page.getByTestId('connection-retry')).toBeEnabled();
  await expect(banner).toBeVisible();
});

test('a banner on a signed-out page left open when the host goes away, without a click', async ({
  launch,
  context,
}) => {
  // Fake timers from the first script on, so the page's background check can be moved on.
  await context.clock.install();
  const app = await launch();
  await expectScreen(app.page, 'sign-in');
  await app.stopBackend?.();
  await expect(app.page.getByTestId('connection-banner')).toHaveCount(0);
  await app.page.clock.fastForward(31_000);
  await expect(app.page.getByTestId('connection-banner')).toBeVisible();
});

test('the favicon is inline and nothing the page loads answers 404', async ({
  launch,
  context,
}) => {
  const failures: string[] = [];
  context.on('response', (response) => {
    if (response.status() >= 400) failures.push(`${response.status()} ${response.url()}`);
  });
  context.on('requestfailed', (request) => {
    // The event stream is cut when a page closes; anything else failing is a bug.
    if (!request.url().endsWith('/api/events')) failures.push(`failed ${request.url()}`);
  });
  const { page } = await launch();
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute('href', /^data:image\/svg\+xml,/);
  await createAccount(page, 'sam');
  await openSessions(page, 1);
  await page.getByTestId('nav-change-password').click();
  await expectScreen(page, 'change-password');
  expect(failures).toEqual([]);
});
