import type { AuthState } from '../../shared/contract';
import type { AppContext, Screen } from '../app';
import { append, h } from '../dom';
import { formatWhen, storageNotice } from '../messages';

/** Home: who is signed in, when the session ends, and whether it survives a restart. */
export function homeScreen(app: AppContext): Screen {
  const body = h('div', { class: 'home-body' });
  const element = h(
    'section',
    { class: 'card', 'data-testid': 'screen-home', 'aria-labelledby': 'home-title' },
    h('h1', { id: 'home-title', tabindex: '-1' }, 'Home'),
    body,
  );

  const render = (state: AuthState | null): void => {
    if (!state?.authenticated) {
      body.replaceChildren();
      return;
    }
    const { session, user, storage } = state;
    const now = app.now();
    element.dataset.sessionId = session.id;
    const notice = storageNotice(storage);
    const row = (term: string, testId: string, value: string, ms?: number): HTMLElement[] => [
      h('dt', {}, term),
      h('dd', { 'data-testid': testId, 'data-value': ms }, value),
    ];
    body.replaceChildren();
    append(
      body,
      h(
        'p',
        { class: 'lead', 'data-testid': 'home-username' },
        'Signed in as ',
        h('strong', {}, user.username),
      ),
      notice
        ? h(
            'div',
            {
              class: 'notice notice-warning',
              role: 'note',
              'data-testid': 'storage-notice',
              'data-reason': storage.reason ?? '',
            },
            h('h2', { class: 'notice-title' }, 'Sessions are not kept across restarts'),
            h('p', {}, notice),
          )
        : null,
      h(
        'dl',
        { class: 'facts', 'data-testid': 'home-session', 'data-session-id': session.id },
        ...row(
          'This session ends',
          'home-expires-at',
          formatWhen(session.expiresAt, now),
          session.expiresAt,
        ),
        ...row(
          'Without activity, it ends',
          'home-idle-expires-at',
          formatWhen(Math.min(session.idleExpiresAt, session.expiresAt), now),
          session.idleExpiresAt,
        ),
        ...row(
          'Kept when the app restarts',
          'home-remembered',
          session.rememberMe ? 'Yes, for up to 30 days' : 'No, it ends when you quit the app',
        ),
        ...row('This device', 'home-device', session.device),
      ),
      h(
        'p',
        {},
        'Signed in somewhere you don’t recognise? Review your ',
        navButton(app, 'sessions', 'sessions', 'home-go-sessions'),
        ' or ',
        navButton(app, 'change-password', 'change your password', 'home-go-change-password'),
        '.',
      ),
    );
  };
  render(app.state());
  return { element, update: render };
}

function navButton(
  app: AppContext,
  screen: 'sessions' | 'change-password',
  label: string,
  testId: string,
): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'link-button', 'data-testid': testId },
    label,
  );
  button.addEventListener('click', () => app.go(screen));
  return button;
}
