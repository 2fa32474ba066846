/**
 * One session in the list: the device, "This device" for the current one, when it signed in,
 * was last active and ends (relative, with the exact time on hover and focus), and its action.
 * A card on narrow windows, a row of a bordered list on wide ones (see `styles/sessions.css`).
 */
import type { SessionView } from '../../../contract/contract';
import { h, svg } from '../../dom';
import { relativeTime } from '../../ui/time';

/** A monitor, to say "a device" at a glance. */
function deviceIcon(): SVGElement {
  return svg(
    'svg',
    { viewBox: '0 0 24 24', width: 24, height: 24, 'aria-hidden': 'true', focusable: 'false' },
    svg('rect', {
      x: 3,
      y: 4,
      width: 18,
      height: 12,
      rx: 2,
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
    }),
    svg('path', {
      d: 'M8 20h8M12 16v4',
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linecap': 'round',
    }),
  );
}

/** When the session ends on its own: the idle deadline, never after the absolute cap. */
function endsAt(session: SessionView): number {
  return Math.min(session.expiresAt, session.idleExpiresAt);
}

/** The card for `session`; `action` is its button (revoke, or sign out here). */
export function sessionCard(session: SessionView, now: number, action: HTMLElement): HTMLElement {
  return h(
    'li',
    {
      class: `session${session.current ? ' session-current' : ''}`,
      'data-testid': 'session-row',
      'data-session-id': session.id,
      'data-current': String(session.current),
    },
    h('div', { class: 'session-icon' }, deviceIcon()),
    h(
      'div',
      { class: 'session-main' },
      h(
        'p',
        { class: 'session-title' },
        h('span', { class: 'device-name', 'data-testid': 'session-device' }, session.device),
        session.current
          ? h('span', { class: 'badge', 'data-testid': 'current-session-badge' }, 'This device')
          : null,
        session.rememberMe
          ? h(
              'span',
              { class: 'badge badge-muted', 'data-testid': 'remembered-badge' },
              'Kept signed in',
            )
          : null,
      ),
      h(
        'ul',
        { class: 'session-meta' },
        h(
          'li',
          {},
          session.current
            ? h('span', { 'data-testid': 'session-active' }, 'Active now')
            : relativeTime(session.lastActiveAt, now, (r) => `Last active ${r}`, 'session-active'),
        ),
        h(
          'li',
          {},
          relativeTime(session.createdAt, now, (r) => `Signed in ${r}`, 'session-started'),
        ),
        h(
          'li',
          {},
          relativeTime(
            endsAt(session),
            now,
            // Before the absolute cap, it is the idle deadline: use moves it on.
            (r) =>
              session.idleExpiresAt < session.expiresAt ? `Ends ${r} if unused` : `Ends ${r}`,
            'session-ends',
          ),
        ),
      ),
    ),
    h('div', { class: 'session-action' }, action),
  );
}
