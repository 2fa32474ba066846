import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';

/**
 * Builds dist/ once before the journeys (`scripts/build.mjs --app`: the renderer, the preview
 * host and its page's bridge, the Electron bundles), so `npx playwright test` works from a clean tree. Set E2E_SKIP_BUILD=1
 * when dist/ was just built (for example by `npm run test:e2e`).
 */
export default function globalSetup(config: FullConfig): void {
  const root = config.configFile ? path.dirname(config.configFile) : process.cwd();
  if (process.env.E2E_SKIP_BUILD !== '1') {
    execFileSync(process.execPath, ['scripts/build.mjs', '--app'], { cwd: root, stdio: 'inherit' });
  }
  for (const file of [
    'dist/preview/server.cjs',
    'dist/preview/preview-bridge.js',
    'dist/renderer/main.js',
    'dist/renderer/index.html',
  ]) {
    if (!fs.existsSync(path.join(root, file)))
      throw new Error(`${file} is missing after the build`);
  }
  if (!fs.existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) {
    throw new Error(
      "Chromium is not at /usr/bin/chromium: install Debian's package (apt-get install -y chromium). " +
        'Never `npx playwright install` here.',
    );
  }
}
