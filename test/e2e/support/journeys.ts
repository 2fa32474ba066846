/**
 * The user journeys, written once against a {@link Driver}: the preview spec runs them
 * in Chromium against the preview host, the Electron spec through `_electron` where a binary
 * exists. Each test gets a fresh data directory and saves a screenshot of every screen it visits.
 * They live in `journeys/`, one file per area.
 */
import type {
  PlaywrightTestArgs,
  PlaywrightTestOptions,
  PlaywrightWorkerArgs,
  PlaywrightWorkerOptions,
  TestType,
} from '@playwright/test';
import type { JourneyFixtures } from './fixtures';
import { defineAccessibilityJourneys } from './journeys/accessibility';
import { defineAccountJourneys } from './journeys/accounts';
import { defineProfileJourneys } from './journeys/profile';
import { defineSessionJourneys } from './journeys/sessions';
import { defineStorageJourneys } from './journeys/storage';

export type JourneyTest = TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & JourneyFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions
>;

/** Defines every journey on `test`. */
export function defineJourneys(test: JourneyTest): void {
  defineAccountJourneys(test);
  defineSessionJourneys(test);
  defineStorageJourneys(test);
  defineProfileJourneys(test);
  defineAccessibilityJourneys(test);
}
