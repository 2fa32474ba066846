/**
 * The same journeys through Playwright's `_electron` launcher, against the real app
 * (`dist/main/index.cjs` via package.json "main"), where an Electron binary exists. Where none
 * does (CI here: the binary is downloaded from outside the package registry), every test reports
 * itself SKIPPED with the reason, so the summary counts them as skipped, never as passed.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron as electron } from '@playwright/test';
import type { AppInstance, Capability, Driver, LaunchOptions } from './support/driver';
import { attachLogs, journeyTest } from './support/fixtures';
import { defineJourneys, type JourneyTest } from './support/journeys';

const ROOT = path.resolve('.');
const FALLBACK =
  'the journeys ran in Chromium through the preview host instead (test/e2e/preview.spec.ts)';

/** The Electron executable, or why there is none. Never triggers a download. */
function findElectron(): { executable: string } | { skip: string } {
  const requireFromRoot = createRequire(path.join(ROOT, 'package.json'));
  let packageDir: string;
  try {
    packageDir = path.dirname(requireFromRoot.resolve('electron/package.json'));
  } catch {
    return {
      skip: `No Electron binary on this machine (the electron package is not installed); ${FALLBACK}`,
    };
  }
  // electron's index.js tries to download a missing binary when required; only require it once
  // a download has finished (path.txt) or an override points at one.
  if (
    !process.env.ELECTRON_OVERRIDE_DIST_PATH &&
    !fs.existsSync(path.join(packageDir, 'path.txt'))
  ) {
    return {
      skip: `No Electron binary on this machine (binary not downloaded: node_modules/electron/path.txt is missing, so require("electron") would throw); ${FALLBACK}`,
    };
  }
  try {
    const executable = requireFromRoot('electron') as unknown;
    if (typeof executable === 'string' && fs.existsSync(executable)) return { executable };
    return {
      skip: `No Electron binary on this machine (require("electron") names ${String(executable)}, which does not exist); ${FALLBACK}`,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return {
      skip: `No Electron binary on this machine (require("electron") throws: ${message}); ${FALLBACK}`,
    };
  }
}

/** The real app in Electron; userData is the test's data directory. */
class ElectronDriver implements Driver {
  readonly name = 'electron';
  private readonly apps = new Set<{ close(): Promise<void> }>();

  constructor(private readonly executable: string) {}

  async launch(options: LaunchOptions): Promise<AppInstance> {
    const reason = options.secretStore ? this.lacks(options.secretStore) : null;
    if (reason) throw new Error(reason);
    const args = [ROOT, `--user-data-dir=${options.dataDir}`];
    if (options.secretStore === 'basic_text') args.push('--password-store=basic');
    if (process.getuid?.() === 0) args.push('--no-sandbox');
    const app = await electron.launch({
      executablePath: this.executable,
      args,
      cwd: ROOT,
    });
    this.apps.add(app);
    const page = await app.firstWindow();
    return {
      page,
      device: null,
      setClockOffset: null,
      stopBackend: null,
      stop: async () => {
        this.apps.delete(app);
        await app.close();
      },
    };
  }

  lacks(capability: Capability): string | null {
    switch (capability) {
      case 'two-instances-one-profile':
        return 'The app holds a single-instance lock per profile, so a second instance on one profile only focuses the first; two processes on one database run through the preview host (preview.spec.ts).';
      case 'clock-control':
        return 'The real app has no test clock; expiry is driven through the preview host clock offset (preview.spec.ts).';
      case 'unavailable':
        return 'Electron cannot be told to have no OS key store; the preview host simulates it (preview.spec.ts).';
      case 'basic_text':
        return process.platform === 'linux' ? null : '--password-store=basic exists on Linux only.';
      case 'file':
        return null;
    }
  }

  async dispose(): Promise<string[]> {
    for (const app of this.apps) await app.close().catch(() => {});
    this.apps.clear();
    return [];
  }
}

const found = findElectron();
// Say it once, in the runner process (workers load this file too), beside the list reporter.
if ('skip' in found && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`[electron journeys] SKIPPED: ${found.skip}`);
}

const test: JourneyTest = journeyTest.extend({
  // eslint-disable-next-line no-empty-pattern
  driver: async ({}, use, testInfo) => {
    if (!('executable' in found)) throw new Error(found.skip);
    const driver = new ElectronDriver(found.executable);
    await use(driver);
    await attachLogs(testInfo, await driver.dispose());
  },
});

test.describe('journeys in Electron through _electron', () => {
  test.skip('skip' in found, 'skip' in found ? found.skip : '');
  defineJourneys(test);
});
