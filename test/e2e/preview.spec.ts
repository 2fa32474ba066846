/**
 * Every user journey in Chromium (/usr/bin/chromium), against the preview host: the
 * real renderer, the real session core under Node, real SQLite files in a fresh temp directory
 * per test, and a restart = stopping the host process and starting another on the same directory.
 */
import { defineJourneys } from './support/journeys';
import { expect, test } from './support/preview-test';

test.describe('journeys in Chromium through the preview host', () => {
  defineJourneys(test);
});

test.describe('the renderer outside the app', () => {
  test('without window.auth it explains where it runs instead of failing', async ({
    launch,
    shot,
    context,
  }) => {
    // Block the preview host's bridge (window.auth, window.app) before the page loads.
    await context.route('**/preview-bridge.js', (route) => route.abort());
    const { page } = await launch();
    await expect(page.getByTestId('screen-no-bridge')).toBeVisible();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'This page runs inside the app',
    );
    await shot(page, 'no-bridge');
  });
});
