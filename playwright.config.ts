import { defineConfig } from '@playwright/test';

/**
 * End-to-end journeys (test/e2e). They drive the real renderer against the real session core,
 * hosted by the browser preview host (src/preview) in Debian's Chromium; the `_electron` suite runs
 * the same journeys where an Electron binary exists and reports itself skipped where none does.
 * Never `npx playwright install`: the browser is /usr/bin/chromium (`apt-get install chromium`).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  // Builds dist/ once (renderer and preview host) so a clean tree works.
  globalSetup: './test/e2e/global-setup.ts',
  // Playwright wipes outputDir: keep it away from test-results/vitest.json.
  outputDir: 'test-results/e2e-artifacts',
  // Two cores: each test starts its own host process(es) and browser.
  workers: 2,
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Generous, so that only a hang fails a journey: a busy machine can take twice as long.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [
    ['list'],
    [
      'json',
      { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? 'test-results/playwright.json' },
    ],
  ],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    locale: 'en-US',
    timezoneId: 'UTC',
    viewport: { width: 1100, height: 800 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
