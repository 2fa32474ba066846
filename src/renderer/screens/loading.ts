/**
 * The first screen, while main answers the first `validate` (it may wait for the system
 * keyring to decrypt a saved sign-in, which can take seconds). index.html paints the same card
 * before any script runs, so the window is never blank.
 */
import { h } from '../dom';
import type { Screen } from '../screen';

/** After this long, say why it takes a while. */
const SLOW_MS = 2_500;

/** The loading screen. */
export function loadingScreen(): Screen {
  const status = h(
    'p',
    { class: 'loading-text', role: 'status', 'data-testid': 'loading' },
    'Checking for a saved sign-in…',
  );
  const element = h(
    'section',
    {
      class: 'card card-loading',
      'data-testid': 'screen-loading',
      'aria-labelledby': 'loading-title',
      'aria-busy': 'true',
    },
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    h('h1', { id: 'loading-title', tabindex: '-1' }, 'Opening Justice Companion'),
    status,
  );
  const timer = setTimeout(() => {
    status.textContent =
      'Checking for a saved sign-in… This can take a few seconds while the system keyring answers.';
  }, SLOW_MS);
  // Focus stays where the browser put it: nothing here to act on.
  return { element, focus: () => {}, dispose: () => clearTimeout(timer) };
}
