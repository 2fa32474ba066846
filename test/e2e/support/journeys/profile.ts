/**
 * Journeys, profile: a display name set on the Profile screen (the rule's words before sending,
 * the server's refusal on the field), shown in the header and on Home, kept across a restart,
 * and the profile channels refusing a signed-out page through `window.app` itself.
 */
import type { Page } from '@playwright/test';
import type { AppApi, IpcResult } from '../../../../src/contract/contract';
import type { ProfileChannels } from '../../../../src/contract/profile-channels';
import { expect } from '../fixtures';
import type { JourneyTest } from '../journeys';
import { tour } from '../tour';
import { createAccount, expectScreen, signOut, tabTo } from '../ui';

type PageWithApp = Window & { app: AppApi<ProfileChannels> };

/** Calls `window.app.<method>` in the page, as the renderer would. */
function callApp(
  page: Page,
  method: 'profileGet' | 'profileUpdate',
  request?: unknown,
): Promise<IpcResult<unknown>> {
  return page.evaluate(
    ([name, body]) => {
      const app = (window as unknown as PageWithApp).app as unknown as Record<
        string,
        (request?: unknown) => Promise<IpcResult<unknown>>
      >;
      return app[name]!(body);
    },
    [method, request] as const,
  );
}

/** Defines the profile journeys on `test`. */
export function defineProfileJourneys(test: JourneyTest): void {
  test('11 profile: set a display name, see it in the header and on Home, keep it across a restart; signed out, window.app refuses', async ({
    launch,
  }, testInfo) => {
    const visit = tour(testInfo);
    let app = await launch();
    let { page } = app;
    await createAccount(page, 'ada', { remember: true });
    await expect(page.getByTestId('home-go-profile')).toContainText('Add a display name');
    await page.getByTestId('home-go-profile').click();
    await expectScreen(page, 'profile');
    await expect(page.getByTestId('nav-profile')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('profile-username')).toHaveText('ada');
    const input = page.getByTestId('profile-display-name');
    await expect(input).toBeFocused();
    await expect(input).toHaveValue('');
    await visit(page, 'profile-empty');

    // Nothing typed: the rule's words, on the field and tied to it; nothing was sent.
    await page.getByTestId('profile-submit').click();
    const error = page.getByTestId('profile-display-name-error');
    await expect(error).toHaveText('Enter a display name.');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(input).toHaveAttribute(
      'aria-describedby',
      new RegExp(`\\b${await error.getAttribute('id')}\\b`),
    );
    await expect(input).toBeFocused();
    // Too long: counted as typed, said before sending.
    await input.fill('W'.repeat(101));
    await expect(page.getByTestId('profile-display-name-length')).toHaveText(
      '101 of 100 characters (1 too many)',
    );
    await page.getByTestId('profile-submit').click();
    await expect(error).toHaveText('Use at most 100 characters.');
    await visit(page, 'profile-too-long');

    // The server's own check refuses what the form would not send, with the same words.
    expect(await callApp(page, 'profileUpdate', { displayName: 'Ada\u0007' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^displayName: /) },
    });

    // By keyboard: type, Enter saves; the header and the page say so at once.
    await input.fill('');
    await tabTo(page, 'profile-display-name');
    await page.keyboard.type('  Ada Lovelace  ');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('profile-status')).toHaveText(
      'Saved. The app now calls you Ada Lovelace.',
    );
    await expect(input).toHaveValue('Ada Lovelace');
    await expect(page.getByTestId('header-user')).toContainText('Ada Lovelace');
    await expect(page.getByTestId('header-user')).toHaveAttribute('title', 'Ada Lovelace (ada)');
    await visit(page, 'profile-saved');

    await page.getByTestId('nav-home').click();
    await expectScreen(page, 'home');
    await expect(page.getByTestId('home-display-name')).toHaveText('Ada Lovelace');
    await expect(page.getByTestId('home-username')).toContainText('(username ada)');
    await expect(page.getByTestId('home-go-profile')).toContainText('Edit your profile');

    // A restart: the remembered session comes back, and with it the display name.
    await app.stop();
    app = await launch();
    page = app.page;
    await expectScreen(page, 'home');
    await expect(page.getByTestId('header-user')).toContainText('Ada Lovelace');
    await expect(page.getByTestId('home-display-name')).toHaveText('Ada Lovelace');
    expect(await callApp(page, 'profileGet')).toEqual({
      ok: true,
      value: { displayName: 'Ada Lovelace' },
    });

    // The longest name there is, without a space to break at: it wraps, nothing scrolls sideways.
    await page.getByTestId('nav-profile').click();
    const again = page.getByTestId('profile-display-name');
    await expect(again).toHaveValue('Ada Lovelace');
    await again.fill('W'.repeat(100));
    await page.getByTestId('profile-submit').click();
    await expect(page.getByTestId('profile-status')).toContainText('Saved.');
    await page.getByTestId('nav-home').click();
    await visit(page, 'home-long-display-name');

    // Signed out: the page's own window.app gets NOT_AUTHENTICATED, for reading and writing.
    await signOut(page);
    for (const [method, request] of [
      ['profileGet', undefined],
      ['profileUpdate', { displayName: 'Mallory' }],
    ] as const) {
      expect(await callApp(page, method, request)).toEqual({
        ok: false,
        error: { code: 'NOT_AUTHENTICATED', message: 'You are not signed in.' },
      });
    }
    await expect(page.getByTestId('header-user')).toHaveCount(0);
    await app.stop();
  });
}
