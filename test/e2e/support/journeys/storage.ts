/** Journeys, storage: no secure key store, and a damaged session.enc. */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from '../fixtures';
import { skipWithout } from '../driver';
import type { JourneyTest } from '../journeys';
import { createAccount, expectScreen, signIn } from '../ui';

/** Defines the storage journeys on `test`. */
export function defineStorageJourneys(test: JourneyTest): void {
  for (const mode of ['unavailable', 'basic_text'] as const) {
    test(`8 secure storage ${mode}: the notice shows and a restart does not restore`, async ({
      launch,
      driver,
      dataDir,
      shot,
    }) => {
      skipWithout(driver, mode);
      const first = await launch({ secretStore: mode });
      await expectScreen(first.page, 'sign-in');
      // "Keep me signed in" cannot work here: it is turned off, and says why.
      const remember = first.page.getByTestId('sign-in-remember');
      await expect(remember).toBeDisabled();
      await expect(remember).not.toBeChecked();
      const hint = first.page.getByTestId('sign-in-remember-hint');
      await expect(hint).toContainText(
        mode === 'unavailable' ? 'no keyring was found' : 'only a basic password store',
      );
      await expect(remember).toHaveAttribute(
        'aria-describedby',
        (await hint.getAttribute('id')) ?? '',
      );
      await shot(first.page, `sign-in-${mode}`);
      await first.page.getByTestId('go-register').click();
      await expect(first.page.getByTestId('register-remember')).toBeDisabled();
      await expect(first.page.getByTestId('register-remember-hint')).toContainText('Not available');
      await first.page.getByTestId('go-sign-in').click();
      await createAccount(first.page, 'heidi');
      const notice = first.page.getByTestId('storage-notice');
      await expect(notice).toBeVisible();
      await expect(notice).toHaveAttribute(
        'data-reason',
        mode === 'unavailable' ? 'unavailable' : 'weak-backend',
      );
      await expect(notice).toContainText(
        mode === 'unavailable' ? 'could not find a keyring' : 'only offers a basic password store',
      );
      // Plain words, with what to do.
      await expect(first.page.getByTestId('storage-fix')).toContainText(
        'unlock your system keyring',
      );
      await expect(first.page.getByTestId('home-remembered')).toContainText('No');
      await shot(first.page, `home-storage-${mode}`);
      await first.stop();
      expect(fs.existsSync(path.join(dataDir, 'session.enc'))).toBe(false);

      const second = await launch({ secretStore: mode });
      await expectScreen(second.page, 'sign-in');
      await shot(second.page, `sign-in-after-restart-${mode}`);
    });
  }

  test('9 a corrupted session.enc: the app starts at sign-in, no error page', async ({
    launch,
    dataDir,
    shot,
  }) => {
    const first = await launch();
    await createAccount(first.page, 'ivan', { remember: true });
    await first.stop();
    const file = path.join(dataDir, 'session.enc');
    const original = fs.readFileSync(file, 'utf8');
    // Keep the header, scramble the encrypted body.
    const [header = '', body = ''] = original.split('\n');
    const scrambled = body.split('').reverse().join('');
    fs.writeFileSync(file, `${header}\n${scrambled === body ? `x${body}` : scrambled}\n`);

    const second = await launch();
    await expectScreen(second.page, 'sign-in');
    await expect(second.page.getByTestId('signed-out-reason')).toContainText(
      'could not be restored',
    );
    await expect(second.page.locator('body')).not.toContainText(/error|exception|stack/i);
    await shot(second.page, 'sign-in-after-corrupt-session-file');
    expect(fs.existsSync(file)).toBe(false);
    await signIn(second.page, 'ivan');

    // Garbage that is not even the file format: same outcome.
    await second.stop();
    fs.writeFileSync(file, Buffer.from([0, 1, 2, 3, 255, 254, 10, 10, 42]));
    const third = await launch();
    await expectScreen(third.page, 'sign-in');
    await shot(third.page, 'sign-in-after-garbage-session-file');
  });
}
