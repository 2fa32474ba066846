/**
 * The journey fixtures with the preview driver: the base test of preview.spec.ts and of the
 * preview-only specs, for what only the preview host can do (hold or fail an answer, stop the
 * host under the page, move its clock).
 */
import { PreviewDriver } from './driver';
import { attachLogs, journeyTest } from './fixtures';
import type { JourneyTest } from './journeys';

export const test: JourneyTest = journeyTest.extend({
  driver: async ({ context }, use, testInfo) => {
    const driver = new PreviewDriver(context);
    await use(driver);
    await attachLogs(testInfo, await driver.dispose());
  },
});

export { expect } from './fixtures';
