import type { IpcResult, SessionView } from '../../shared/contract';
import type { AppContext, Screen } from '../app';
import { append, h, messageArea } from '../dom';
import { formatDateTime, formatWhen } from '../messages';
import { withReauth } from '../reauth-dialog';

/**
 * Sessions: one row per live session of this user. The current one is marked and has no revoke
 * button; others can be signed out one by one or all at once (with a password prompt when main
 * asks for one).
 */
export function sessionsScreen(app: AppContext): Screen {
  const status = messageArea('sessions-status', 'status');
  const error = messageArea('sessions-error', 'alert');
  const list = h(
    'div',
    { class: 'sessions-list', 'data-testid': 'sessions-list', 'aria-busy': 'true' },
    h('p', {}, 'Loading…'),
  );
  const refresh = h(
    'button',
    { type: 'button', class: 'button', 'data-testid': 'sessions-refresh' },
    'Refresh',
  );
  const revokeOthers = h(
    'button',
    { type: 'button', class: 'button button-danger', 'data-testid': 'revoke-others' },
    'Sign out all other sessions',
  );
  const heading = h('h1', { id: 'sessions-title', tabindex: '-1' }, 'Your sessions');
  const element = h(
    'section',
    {
      class: 'card card-wide',
      'data-testid': 'screen-sessions',
      'aria-labelledby': 'sessions-title',
    },
    heading,
    h(
      'p',
      {},
      'Every place where you are signed in with this account. Sign out any you don’t recognise.',
    ),
    status.element,
    error.element,
    list,
    h('div', { class: 'actions' }, revokeOthers, refresh),
  );

  let loading = false;

  const failed = async (result: IpcResult<unknown>): Promise<boolean> => {
    if (result.ok) return false;
    if (await app.handleLostSession(result)) return true;
    error.show(result.error.message);
    return true;
  };

  const load = async (): Promise<void> => {
    if (loading) return;
    loading = true;
    list.setAttribute('aria-busy', 'true');
    try {
      const result = await app.api.sessions();
      if (!result.ok) {
        await failed(result);
        return;
      }
      renderList(result.value.sessions);
    } finally {
      loading = false;
      list.setAttribute('aria-busy', 'false');
    }
  };

  const renderList = (sessions: SessionView[]): void => {
    const now = app.now();
    const others = sessions.filter((s) => !s.current);
    revokeOthers.hidden = others.length === 0;
    list.dataset.count = String(sessions.length);
    const rows = [...sessions]
      .sort((a, b) => Number(b.current) - Number(a.current) || b.lastActiveAt - a.lastActiveAt)
      .map((session) => sessionRow(session, now));
    list.replaceChildren();
    append(
      list,
      h(
        'table',
        { class: 'sessions-table', 'data-testid': 'sessions-table' },
        h(
          'caption',
          { class: 'visually-hidden' },
          `${sessions.length} active session${sessions.length === 1 ? '' : 's'}`,
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Device'),
            h('th', { scope: 'col' }, 'Started'),
            h('th', { scope: 'col' }, 'Last active'),
            h('th', { scope: 'col' }, 'Expires'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h('tbody', {}, ...rows),
      ),
      others.length === 0
        ? h('p', { 'data-testid': 'no-other-sessions' }, 'You are not signed in anywhere else.')
        : null,
    );
  };

  const sessionRow = (session: SessionView, now: number): HTMLElement => {
    const started = formatDateTime(session.createdAt);
    let action: HTMLElement;
    if (session.current) {
      action = h('span', { class: 'muted' }, 'To end it, use “Sign out” at the top');
    } else {
      const button = h(
        'button',
        {
          type: 'button',
          class: 'button button-small',
          'data-testid': 'revoke-session',
          'aria-label': `Sign out the session on ${session.device}, started ${started}`,
        },
        'Sign out',
      );
      button.addEventListener('click', () => void revoke(session, button));
      action = button;
    }
    return h(
      'tr',
      {
        'data-testid': 'session-row',
        'data-session-id': session.id,
        'data-current': String(session.current),
        class: session.current ? 'current' : null,
      },
      h(
        'td',
        {},
        h('span', { 'data-testid': 'session-device' }, session.device),
        session.current
          ? h('span', { class: 'badge', 'data-testid': 'current-session-badge' }, 'This session')
          : null,
        session.rememberMe ? h('span', { class: 'badge badge-muted' }, 'Kept signed in') : null,
      ),
      h('td', {}, started),
      h('td', {}, formatDateTime(session.lastActiveAt)),
      h(
        'td',
        {},
        formatWhen(Math.min(session.expiresAt, session.idleExpiresAt), now),
        session.idleExpiresAt < session.expiresAt
          ? h(
              'span',
              { class: 'muted block' },
              `if not used before then; at the latest ${formatDateTime(session.expiresAt)}`,
            )
          : null,
      ),
      h('td', {}, action),
    );
  };

  const revoke = async (session: SessionView, button: HTMLButtonElement): Promise<void> => {
    status.show(null);
    error.show(null);
    button.disabled = true;
    const result = await withReauth(
      (password) =>
        app.api.revokeSession(
          password === undefined ? { sessionId: session.id } : { sessionId: session.id, password },
        ),
      'sign out another session',
      () => app.now(),
    );
    button.disabled = false;
    if (result === null) {
      button.focus();
      return;
    }
    if (result.ok || result.error.code === 'NOT_FOUND') {
      status.show(
        result.ok
          ? `Signed out the session on ${session.device}.`
          : 'That session had already ended.',
        result.ok ? 'success' : 'info',
      );
      await load();
      heading.focus();
      return;
    }
    await failed(result);
  };

  revokeOthers.addEventListener('click', () => {
    void (async () => {
      status.show(null);
      error.show(null);
      revokeOthers.disabled = true;
      const result = await withReauth(
        (password) => app.api.revokeOtherSessions(password === undefined ? {} : { password }),
        'sign out all your other sessions',
        () => app.now(),
      );
      revokeOthers.disabled = false;
      if (result === null) {
        revokeOthers.focus();
        return;
      }
      if (result.ok) {
        const n = result.value.revoked;
        status.show(`Signed out ${n} other session${n === 1 ? '' : 's'}.`, 'success');
        await load();
        heading.focus();
        return;
      }
      await failed(result);
    })();
  });

  refresh.addEventListener('click', () => void load());
  void load();

  return { element, update: () => void load() };
}
