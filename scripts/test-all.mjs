// `npm test`: every test that can run on this machine. vitest first, then the Playwright
// journeys when an e2e config exists. Each writes a JSON report to test-results/ for
// scripts/summarize-tests.mjs. Exits non-zero if either runner failed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { ensureNode24 } from './node24.mjs';

ensureNode24();

fs.mkdirSync('test-results', { recursive: true });
for (const file of ['test-results/vitest.json', 'test-results/playwright.json'])
  fs.rmSync(file, { force: true });

const extra = process.argv.slice(2);
let failed = false;

const vitest = spawnSync(
  'npx',
  [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    '--outputFile.json=test-results/vitest.json',
    ...extra,
  ],
  { stdio: 'inherit' },
);
failed ||= vitest.status !== 0;

if (fs.existsSync('playwright.config.ts') && extra.length === 0) {
  const playwright = spawnSync('npx', ['playwright', 'test'], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: 'test-results/playwright.json' },
  });
  failed ||= playwright.status !== 0;
}

process.exit(failed ? 1 : 0);
