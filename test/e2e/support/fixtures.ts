/**
 * Fixtures every journey gets: a fresh data directory, a screenshot helper that saves each screen
 * as a test artifact, a guard that fails the test if a page throws or if any answer the page
 * receives carries a session token or a password hash, and `launch`, which starts the app with
 * that guard already watching its window.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page, type TestInfo } from '@playwright/test';
import type { AppInstance, Driver, LaunchOptions } from './driver';

/** A session token (`uuid-v4.base64url-43`) or an argon2 hash: neither may reach the renderer. */
const SECRET_PATTERNS = [
  /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}/,
  /\$argon2(id|i|d)\$/,
];

/** Watches pages for uncaught errors and leaked secrets. */
export class PageGuard {
  readonly problems: string[] = [];
  /** Response bodies still being read: the verdict waits for them. */
  private readonly reading: Promise<void>[] = [];

  watch(page: Page): void {
    page.on('pageerror', (error) =>
      this.problems.push(`uncaught error in the page: ${error.message}`),
    );
    page.on('response', (response) => {
      if (!response.url().includes('/api/invoke')) return;
      const read = response
        .text()
        .then((body) => {
          for (const pattern of SECRET_PATTERNS) {
            if (pattern.test(body)) this.problems.push(`a response to the page matched ${pattern}`);
          }
        })
        // A body can no longer be read once its page has closed (an instance stopped).
        .catch(() => {});
      this.reading.push(read);
    });
  }

  /** The problems seen, once every response body that could still be read has been checked. */
  async verdict(): Promise<string[]> {
    await Promise.all(this.reading);
    return this.problems;
  }
}

export type Shot = (page: Page, name: string) => Promise<void>;

/**
 * Starts one app instance through the test's driver, on the test's data directory unless
 * `options` name another, and has the test's guard watch its window from the start.
 */
export type Launch = (options?: Partial<LaunchOptions>) => Promise<AppInstance>;

export interface JourneyFixtures {
  dataDir: string;
  shot: Shot;
  guard: PageGuard;
  driver: Driver;
  launch: Launch;
}

/** Saves a full-page screenshot into the test's output folder and attaches it to the report. */
function shooter(testInfo: TestInfo): Shot {
  let n = 0;
  return async (page, name) => {
    n += 1;
    const file = testInfo.outputPath(`${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await testInfo.attach(name, { path: file, contentType: 'image/png' });
  };
}

/**
 * The base test. Spec files add the `driver` fixture (preview or Electron); `launch` names it here
 * and Playwright resolves it against the spec's own, so every driver gets the same `launch`.
 */
export const journeyTest = base.extend<JourneyFixtures>({
  // eslint-disable-next-line no-empty-pattern
  dataDir: async ({}, use) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-e2e-'));
    await use(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  },
  // eslint-disable-next-line no-empty-pattern
  shot: async ({}, use, testInfo) => {
    await use(shooter(testInfo));
  },
  // eslint-disable-next-line no-empty-pattern
  guard: async ({}, use) => {
    const guard = new PageGuard();
    await use(guard);
    expect(await guard.verdict(), 'pages threw or received a secret').toEqual([]);
  },
  // Watching belongs to starting: a page the guard never saw could throw or leak unnoticed.
  launch: async ({ driver, dataDir, guard }, use) => {
    await use(async (options = {}) => {
      const app = await driver.launch({ dataDir, ...options });
      guard.watch(app.page);
      return app;
    });
  },
});

/** Attaches host logs to the report when a test did not pass. */
export async function attachLogs(testInfo: TestInfo, logs: string[]): Promise<void> {
  if (testInfo.status !== testInfo.expectedStatus && logs.length > 0) {
    await testInfo.attach('host-log.txt', { body: logs.join(''), contentType: 'text/plain' });
  }
}

export { expect };
