/**
 * Looks at one screen the way the quality bar asks: at 360, 400 and 1280 px wide, in the light
 * and the dark theme; no horizontal scrolling at any of them, axe clean in both themes, and a
 * screenshot at 360 and 1280 px in each theme saved as a test artifact.
 */
import type { Page, TestInfo } from '@playwright/test';
import { axeProblems, expectNoHorizontalOverflow, THEMES } from './checks';
import { expect } from './fixtures';

const WIDTHS = [360, 400, 1280] as const;
const SCREENSHOT_WIDTHS: ReadonlySet<number> = new Set([360, 1280]);
const AXE_WIDTHS: ReadonlySet<number> = new Set([360, 1280]);
const HEIGHT = 800;

/** A tour of screens, numbered in the order they are visited. */
export function tour(testInfo: TestInfo): (page: Page, name: string) => Promise<void> {
  let n = 0;
  return async (page, name) => {
    n += 1;
    const viewport = page.viewportSize();
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: HEIGHT });
      for (const theme of THEMES) {
        await page.emulateMedia({ colorScheme: theme });
        await expectNoHorizontalOverflow(page, `${name} at ${width} px, ${theme}`);
        if (AXE_WIDTHS.has(width)) {
          const label = `${name} at ${width} px, ${theme}`;
          expect(await axeProblems(page, label), `axe on ${label}`).toEqual([]);
        }
        if (SCREENSHOT_WIDTHS.has(width)) {
          const file = testInfo.outputPath(
            `${String(n).padStart(2, '0')}-${name}-${width}-${theme}.png`,
          );
          // A modal's backdrop covers the window, not the page: shoot the window then.
          const modal = await page.locator('dialog[open]').count();
          await page.screenshot({ path: file, fullPage: modal === 0, animations: 'disabled' });
          await testInfo.attach(`${name}-${width}-${theme}`, {
            path: file,
            contentType: 'image/png',
          });
        }
      }
    }
    await page.emulateMedia({ colorScheme: 'light' });
    if (viewport) await page.setViewportSize(viewport);
  };
}
