// Prints the one line CI reads, `N passed, N failed, N skipped`, from the JSON reports that
// scripts/test-all.mjs leaves in test-results/. A runner that should have reported but left no
// report counts as one failure, so a crash can never look like success; `--failed-checks N` adds
// the checks (typecheck, lint, format) that failed before the tests.
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'failed-checks': { type: 'string', default: '0' } } });

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

let passed = 0;
let failed = Number(values['failed-checks']) || 0;
let skipped = 0;

const vitest = read('test-results/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += (vitest.numFailedTests ?? 0) + (vitest.numRuntimeErrorTestSuites ?? 0);
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  if (vitest.success === false && failed === 0) failed += 1;
} else {
  failed += 1;
}

if (fs.existsSync('playwright.config.ts')) {
  const playwright = read('test-results/playwright.json');
  if (playwright?.stats) {
    passed += (playwright.stats.expected ?? 0) + (playwright.stats.flaky ?? 0);
    failed += playwright.stats.unexpected ?? 0;
    skipped += playwright.stats.skipped ?? 0;
    if ((playwright.errors ?? []).length > 0 && (playwright.stats.unexpected ?? 0) === 0)
      failed += 1;
  } else {
    failed += 1;
  }
}

console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
