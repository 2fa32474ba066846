/** What the page shows when it runs without `window.auth` (outside the app and the preview host). */
import { h } from '../dom';
import { brand } from '../ui/brand';

/** Replaces `root` with an explanation of where the page runs. */
export function renderMissingBridge(root: HTMLElement): void {
  root.replaceChildren(
    h('header', { class: 'app-header' }, brand()),
    h(
      'main',
      { id: 'main', class: 'app-main', 'data-testid': 'screen-no-bridge' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'no-bridge-title' },
        h('h1', { id: 'no-bridge-title' }, 'This page runs inside the app'),
        h(
          'p',
          {},
          'Start the desktop app, or run “npm run preview” and open the address it prints.',
        ),
      ),
    ),
  );
}
