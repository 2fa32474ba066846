/**
 * How a journey starts "the app" on a data directory. The preview driver starts the preview host
 * (a Node process running the real core) and opens its URL in Chromium; the Electron driver
 * launches the real app through Playwright's `_electron`. Journeys are written once against this.
 */
import { test, type BrowserContext, type Page } from '@playwright/test';
import { machineName } from '../../../src/core/runtime/device-name';
import { PreviewProcess, type SecretStoreMode } from './preview-process';

export interface LaunchOptions {
  dataDir: string;
  secretStore?: SecretStoreMode;
}

/** One running app instance and its window. */
export interface AppInstance {
  readonly page: Page;
  /** How sessions created by this instance are labelled in the sessions list. */
  readonly device: string | null;
  /** Quits the app (its window closes). */
  stop(): Promise<void>;
  /** Moves the instance's clock; says whether it is still signed in. Null when the driver cannot. */
  setClockOffset: ((offsetMs: number) => Promise<{ authenticated: boolean }>) | null;
  /**
   * Stops what the page talks to (the preview host) and leaves the page open, as when the main
   * process goes away under a window. Null when the driver cannot.
   */
  stopBackend: (() => Promise<void>) | null;
}

/** What a journey may need beyond one instance on the default key store. */
export type Capability = 'two-instances-one-profile' | 'clock-control' | SecretStoreMode;

/** What a driver can do; journeys skip (with the reason) what it cannot. */
export interface Driver {
  readonly name: string;
  launch(options: LaunchOptions): Promise<AppInstance>;
  /** Why a capability is missing, or null when present. */
  lacks(capability: Capability): string | null;
  /** Stops everything still running (after each test). */
  dispose(): Promise<string[]>;
}

/**
 * Skips the running test when `driver` lacks `capability`, giving the driver's reason, so the
 * report says why a journey did not run there instead of counting it as passed.
 */
export function skipWithout(driver: Driver, capability: Capability): void {
  const reason = driver.lacks(capability);
  test.info().skip(reason !== null, reason ?? '');
}

/** The app in Chromium, served by the preview host. */
export class PreviewDriver implements Driver {
  readonly name = 'preview';
  private readonly running = new Set<PreviewProcess>();
  private readonly logs: string[] = [];

  constructor(private readonly context: BrowserContext) {}

  async launch(options: LaunchOptions): Promise<AppInstance> {
    const host = await PreviewProcess.start({
      dataDir: options.dataDir,
      secretStore: options.secretStore,
    });
    this.running.add(host);
    const page = await this.context.newPage();
    await page.goto(host.url);
    return {
      page,
      // Named after the machine, never the port, so the label survives a restart.
      device: `Browser preview on ${machineName()}`,
      setClockOffset: (offsetMs) => host.setClockOffset(offsetMs),
      stopBackend: async () => {
        await host.stop();
        this.running.delete(host);
        this.logs.push(...host.log);
      },
      stop: async () => {
        const code = await host.stop();
        this.running.delete(host);
        this.logs.push(...host.log);
        await page.close();
        if (code !== 0)
          throw new Error(`preview host exited with code ${code} on SIGTERM\n${host.log.join('')}`);
      },
    };
  }

  lacks(): string | null {
    return null;
  }

  async dispose(): Promise<string[]> {
    for (const host of this.running) {
      await host.stop().catch(() => host.kill());
      this.logs.push(...host.log);
    }
    this.running.clear();
    return this.logs;
  }
}
