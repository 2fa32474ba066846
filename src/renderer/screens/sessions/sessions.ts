/**
 * Sessions: every live session of this user, the current one first and marked "This device".
 * Others can be signed out one by one or all at once, each after a confirmation that names what
 * ends. Nothing destructive shows until the list has loaded, and a failed load replaces the
 * list (and its buttons) with the error and a way to try again.
 */
import type { IpcResult, SessionView } from '../../../contract/contract';
import { h } from '../../dom';
import type { Screen, ScreenContext } from '../../screen';
import { messageArea } from '../../ui/message';
import { every, refreshTimes, TIME_REFRESH_MS } from '../../ui/time';
import { confirmRevoke, type RevokeTarget } from './revoke-dialog';
import { sessionCard } from './session-card';

/** The sessions screen. */
export function sessionsScreen(ctx: ScreenContext): Screen {
  const status = messageArea('sessions-status', 'status');
  const list = h('div', {
    class: 'sessions-list',
    'data-testid': 'sessions-list',
    'aria-busy': 'true',
  });
  const refresh = h(
    'button',
    { type: 'button', class: 'button button-small', 'data-testid': 'sessions-refresh' },
    'Refresh',
  );
  const heading = h('h1', { id: 'sessions-title', tabindex: '-1' }, 'Your sessions');
  const element = h(
    'section',
    {
      class: 'card card-wide',
      'data-testid': 'screen-sessions',
      'aria-labelledby': 'sessions-title',
    },
    h('div', { class: 'card-heading' }, heading, refresh),
    h(
      'p',
      { class: 'card-lead' },
      'Everywhere you are signed in with this account. If you don’t recognise a session, sign it out and change your password.',
    ),
    status.element,
    list,
  );

  let loading = false;
  let sessions: SessionView[] = [];

  const showLoading = (): void => {
    list.replaceChildren(
      h(
        'p',
        { class: 'loading-inline', 'data-testid': 'sessions-loading' },
        h('span', { class: 'spinner spinner-small', 'aria-hidden': 'true' }),
        'Loading your sessions…',
      ),
    );
  };

  const showLoadError = (message: string): void => {
    const retry = h(
      'button',
      { type: 'button', class: 'button button-small', 'data-testid': 'sessions-retry' },
      'Try again',
    );
    retry.addEventListener('click', () => void load());
    list.replaceChildren(
      h(
        'div',
        {
          class: 'message message-error load-error',
          role: 'alert',
          'data-testid': 'sessions-error',
        },
        h('span', { class: 'message-line message-strong' }, 'Your sessions could not be loaded.'),
        h('span', { class: 'message-line' }, message),
        h('span', { class: 'message-line' }, retry),
      ),
    );
  };

  const load = async (): Promise<void> => {
    if (loading) return;
    loading = true;
    list.setAttribute('aria-busy', 'true');
    if (sessions.length === 0) showLoading();
    try {
      const result = await ctx.api.sessions();
      if (result.ok) {
        sessions = result.value.sessions;
        renderList();
      } else if (!(await ctx.handleLostSession(result))) {
        sessions = [];
        showLoadError(result.error.message);
      }
    } finally {
      loading = false;
      list.setAttribute('aria-busy', 'false');
    }
  };

  const renderList = (): void => {
    const now = ctx.now();
    const sorted = [...sessions].sort(
      (a, b) => Number(b.current) - Number(a.current) || b.lastActiveAt - a.lastActiveAt,
    );
    const others = sorted.filter((s) => !s.current);
    list.dataset.count = String(sorted.length);
    list.replaceChildren(
      h(
        'ul',
        {
          class: 'session-list',
          'data-testid': 'sessions-table',
          'aria-label': `${sorted.length} active session${sorted.length === 1 ? '' : 's'}`,
        },
        ...sorted.map((s) => sessionCard(s, now, s.current ? signOutHere() : revokeButton(s))),
      ),
      others.length === 0
        ? h(
            'p',
            { class: 'muted', 'data-testid': 'no-other-sessions' },
            'You are not signed in anywhere else.',
          )
        : othersZone(others),
    );
  };

  const signOutHere = (): HTMLElement => {
    const button = h(
      'button',
      { type: 'button', class: 'button button-small', 'data-testid': 'sign-out-here' },
      'Sign out',
    );
    button.addEventListener('click', () => {
      button.disabled = true;
      void ctx.signOut().finally(() => (button.disabled = false));
    });
    return button;
  };

  const revokeButton = (session: SessionView): HTMLElement => {
    const button = h(
      'button',
      {
        type: 'button',
        class: 'button button-small button-danger-outline',
        'data-testid': 'revoke-session',
        'aria-label': `Sign out ${session.device}`,
      },
      'Sign out',
    );
    button.addEventListener(
      'click',
      () =>
        void revoke(button, { kind: 'one', session }, (password) =>
          ctx.api.revokeSession(
            password === undefined
              ? { sessionId: session.id }
              : { sessionId: session.id, password },
          ),
        ),
    );
    return button;
  };

  const othersZone = (others: SessionView[]): HTMLElement => {
    const button = h(
      'button',
      { type: 'button', class: 'button button-danger', 'data-testid': 'revoke-others' },
      'Sign out all other sessions',
    );
    button.addEventListener(
      'click',
      () =>
        void revoke(button, { kind: 'others', sessions: others }, (password) =>
          ctx.api.revokeOtherSessions(password === undefined ? {} : { password }),
        ),
    );
    return h(
      'section',
      { class: 'danger-zone', 'aria-labelledby': 'others-title', 'data-testid': 'others-zone' },
      h(
        'div',
        {},
        h('h2', { id: 'others-title' }, 'Sign out everywhere else'),
        h(
          'p',
          { class: 'muted' },
          `Ends ${others.length === 1 ? 'the other session' : `the ${others.length} other sessions`}. This device stays signed in.`,
        ),
      ),
      button,
    );
  };

  const revoke = async <T>(
    button: HTMLButtonElement,
    target: RevokeTarget,
    action: (password?: string) => Promise<IpcResult<T>>,
  ): Promise<void> => {
    const result = await confirmRevoke(ctx, target, action);
    // Cancelled: nothing was sent, nothing changes; the dialog gave focus back (to the heading
    // if a push re-rendered the list meanwhile).
    if (result === null) {
      if (!button.isConnected) heading.focus();
      return;
    }
    status.show(null);
    if (result.ok || result.error.code === 'NOT_FOUND') {
      const text = !result.ok
        ? 'That session had already ended.'
        : target.kind === 'one'
          ? `Signed out ${target.session.device}.`
          : signedOutCount((result.value as { revoked: number }).revoked);
      status.show(text, result.ok ? 'success' : 'info');
      await load();
      heading.focus();
      return;
    }
    if (await ctx.handleLostSession(result)) return;
    status.show(result.error.message, 'error');
    if (button.isConnected) button.focus();
  };

  refresh.addEventListener('click', () => void load());
  showLoading();
  void load();
  const stop = every(TIME_REFRESH_MS, () => refreshTimes(list, ctx.now()));
  return { element, update: () => void load(), dispose: stop };
}

function signedOutCount(n: number): string {
  return `Signed out ${n} other session${n === 1 ? '' : 's'}.`;
}
