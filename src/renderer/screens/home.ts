/**
 * Home: who is signed in (their display name, with the username beside it, or the username
 * alone), on which device, when the session ends, whether it survives a restart (and, when it
 * cannot, what to do about it), and the way to the other screens.
 */
import type { AuthState } from '../../contract/contract';
import { append, h } from '../dom';
import type { Screen, ScreenContext, ScreenName } from '../screen';
import { formatLifetime } from '../text/time';
import { storageNoticeElement } from '../ui/storage-notice';
import { every, refreshTimes, relativeTime, TIME_REFRESH_MS } from '../ui/time';

/** The home screen. */
export function homeScreen(ctx: ScreenContext): Screen {
  const body = h('div', { class: 'home-body' });
  const element = h(
    'section',
    { class: 'card card-medium', 'data-testid': 'screen-home', 'aria-labelledby': 'home-title' },
    h('h1', { id: 'home-title', tabindex: '-1' }, 'Home'),
    body,
  );

  const render = (state: AuthState | null): void => {
    body.replaceChildren();
    if (!state?.authenticated) return;
    const { session, user } = state;
    const now = ctx.now();
    element.dataset.sessionId = session.id;
    const fact = (term: string, testId: string, value: Node | string): HTMLElement =>
      h('div', { class: 'fact' }, h('dt', {}, term), h('dd', { 'data-testid': testId }, value));
    const idleEnd = Math.min(session.idleExpiresAt, session.expiresAt);
    const displayName = ctx.displayName();
    append(
      body,
      h(
        'p',
        { class: 'lead', 'data-testid': 'home-username' },
        'Signed in as ',
        displayName
          ? h('strong', { class: 'display-name', 'data-testid': 'home-display-name' }, displayName)
          : h('strong', { class: 'username' }, user.username),
        displayName && h('span', { class: 'lead-detail' }, ` (username ${user.username})`),
      ),
      storageNoticeElement(state),
      h(
        'dl',
        { class: 'facts', 'data-testid': 'home-session', 'data-session-id': session.id },
        fact('This device', 'home-device', h('span', { class: 'device-name' }, session.device)),
        fact(
          'Session ends',
          'home-expires-at',
          relativeTime(session.expiresAt, now, (r) => r),
        ),
        fact(
          'Idle sign-out',
          'home-idle-expires-at',
          relativeTime(idleEnd, now, (r) => `${r} if you don’t use the app`),
        ),
        fact(
          'Kept after a restart',
          'home-remembered',
          // The session's own length (the host may configure it), not a default.
          session.rememberMe
            ? `Yes, for up to ${formatLifetime(session.expiresAt - session.createdAt)}`
            : 'No, it ends when you quit the app',
        ),
      ),
      h(
        'div',
        { class: 'home-links' },
        link(
          ctx,
          'profile',
          displayName ? 'Edit your profile' : 'Add a display name',
          displayName ? 'Change the name the app shows' : 'Shown instead of your username',
          'home-go-profile',
        ),
        link(
          ctx,
          'sessions',
          'Review your sessions',
          'See every device signed in to this account',
          'home-go-sessions',
        ),
        link(
          ctx,
          'change-password',
          'Change your password',
          'And sign out everywhere else',
          'home-go-change-password',
        ),
      ),
    );
    // Tests read the exact instants from here.
    body
      .querySelector('[data-testid="home-expires-at"]')
      ?.setAttribute('data-value', String(session.expiresAt));
    body
      .querySelector('[data-testid="home-idle-expires-at"]')
      ?.setAttribute('data-value', String(session.idleExpiresAt));
  };
  render(ctx.state());
  const stop = every(TIME_REFRESH_MS, () => refreshTimes(body, ctx.now()));
  return {
    element,
    update: render,
    displayNameChanged: () => render(ctx.state()),
    dispose: stop,
  };
}

function link(
  ctx: ScreenContext,
  screen: ScreenName,
  label: string,
  detail: string,
  testId: string,
): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'tile', 'data-testid': testId },
    h('span', { class: 'tile-title' }, label),
    h('span', { class: 'tile-detail' }, detail),
  );
  button.addEventListener('click', () => ctx.go(screen));
  return button;
}
