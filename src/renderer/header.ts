/**
 * The header: the app's mark and name, and when someone is signed in, the main navigation, who
 * is signed in (the display name, or the username when none is set) and "Sign out". Wide windows
 * show it on one row; narrow ones put the navigation on a row of its own (see
 * `styles/02-layout.css`).
 */
import type { AuthState } from '../contract/contract';
import { h } from './dom';
import type { ScreenName } from './screen';
import { brand } from './ui/brand';

/** What the header shows and what its controls do. */
export interface HeaderOptions {
  state: AuthState | null;
  /** The signed-in user's display name, when one is set and loaded. */
  displayName: string | null;
  /** The screen showing, or null while signed out. */
  signedInScreen: ScreenName | null;
  go(screen: ScreenName): void;
  signOut(): Promise<void>;
}

/** The navigation: screen, label, and a shorter label for the narrowest windows. */
const NAV: ReadonlyArray<readonly [ScreenName, string, string?]> = [
  ['home', 'Home'],
  ['profile', 'Profile'],
  ['sessions', 'Sessions'],
  ['change-password', 'Change password', 'Password'],
];

/** Renders the header into `header`; a no-op when nothing it shows has changed. */
export function renderHeader(header: HTMLElement, options: HeaderOptions): void {
  const { state, signedInScreen } = options;
  const username = state?.authenticated && signedInScreen ? state.user.username : null;
  const user = username === null ? null : (options.displayName ?? username);
  const key = `${username ?? ''}\u0000${user ?? ''}\u0000${user ? signedInScreen : ''}`;
  if (header.dataset.key === key && header.firstChild) return;
  header.dataset.key = key;
  if (user === null) {
    header.replaceChildren(brand());
    return;
  }
  const links = NAV.map(([screen, label, short]) => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'nav-link',
        'data-testid': `nav-${screen}`,
        'aria-current': signedInScreen === screen ? 'page' : null,
        // The full label is the name whichever of the two shows.
        'aria-label': short ? label : null,
      },
      ...(short
        ? [
            h('span', { class: 'nav-label-full', 'aria-hidden': 'true' }, label),
            h('span', { class: 'nav-label-short', 'aria-hidden': 'true' }, short),
          ]
        : [label]),
    );
    button.addEventListener('click', () => options.go(screen));
    return h('li', {}, button);
  });
  const signOut = h(
    'button',
    { type: 'button', class: 'button button-small', 'data-testid': 'sign-out' },
    'Sign out',
  );
  signOut.addEventListener('click', () => {
    signOut.disabled = true;
    void options.signOut().finally(() => {
      signOut.disabled = false;
    });
  });
  header.replaceChildren(
    brand(),
    h('nav', { class: 'app-nav', 'aria-label': 'Main' }, h('ul', { class: 'nav-list' }, ...links)),
    h(
      'div',
      { class: 'header-user' },
      h(
        'span',
        {
          class: 'header-username',
          'data-testid': 'header-user',
          title: user === username ? user : `${user} (${username})`,
        },
        h('span', { class: 'header-username-prefix' }, 'Signed in as '),
        h('strong', {}, user),
      ),
      signOut,
    ),
  );
}
