/**
 * A lock-out on a form: the error area says why the form is paused with a live countdown, the
 * submit button stays disabled until the wait is over, then the area says so. The countdown is
 * driven by the page clock (`setTimeout` and `ctx.now()`), so tests move it with `page.clock`.
 *
 * Only the countdown's own line is `aria-live="off"`: the alert is announced once when the
 * lock-out starts, not every second.
 */
import { accountKey, type AttemptTracker } from '../logic/attempts';
import { nextTickDelay, remainingMs } from '../logic/countdown';
import { h } from '../dom';
import {
  countdownText,
  lockedText,
  LOCK_ENDED_TEXT,
  nextFailureWarning,
  type CheckKind,
} from '../text/lockout';
import type { Form } from './form';

/**
 * The line that warns before the attempt that locks `name` (or after a lock-out, that the next
 * failure locks again); null when there is nothing to warn about.
 */
export function attemptsWarningLine(
  attempts: AttemptTracker,
  name: string,
  kind: CheckKind,
): HTMLElement | null {
  const warning = nextFailureWarning(attempts.next(name), kind);
  return warning
    ? h('span', { class: 'message-line', 'data-testid': 'attempts-warning' }, warning)
    : null;
}

/** What a {@link lockout} needs. */
export interface LockoutOptions {
  form: Form;
  kind: CheckKind;
  attempts: AttemptTracker;
  now: () => number;
  /** The account name the lock applies to, as typed now (sign-in: the username field). */
  account: () => string;
}

/** The lock-out controller of one form. */
export interface Lockout {
  /** A `RATE_LIMITED` answer: pause the form for `retryAfterMs`. */
  start(retryAfterMs: number): void;
  /** Re-checks whether the typed account is the locked one (call when it changes). */
  refresh(): void;
  /** Stops the timer (when the screen goes away). */
  dispose(): void;
}

/** Creates the lock-out controller of `options.form`. */
export function lockout(options: LockoutOptions): Lockout {
  const { form, attempts, now } = options;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lockedName: string | null = null;
  let countdown: HTMLElement | null = null;

  const stopTimer = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  const showLocked = (left: number): void => {
    countdown = h(
      'span',
      { class: 'message-line countdown', 'aria-live': 'off', 'data-testid': 'lockout-countdown' },
      countdownText(left),
    );
    form.error.show(
      [h('span', { class: 'message-line message-strong' }, lockedText(options.kind)), countdown],
      'error',
    );
    form.error.element.dataset.retryAfterMs = String(left);
  };

  const tick = (): void => {
    stopTimer();
    if (lockedName === null) return;
    const until = attempts.lockedUntil(lockedName, now());
    if (until === 0) {
      end();
      return;
    }
    // The lock is per account: another name typed in the same form may try at once.
    const sameAccount = accountKey(options.account()) === accountKey(lockedName);
    form.setBlocked(sameAccount);
    const left = remainingMs(until, now());
    if (sameAccount && !countdown?.isConnected) showLocked(left);
    else if (countdown) countdown.textContent = countdownText(left);
    timer = setTimeout(tick, nextTickDelay(left));
  };

  const end = (): void => {
    const name = lockedName;
    lockedName = null;
    countdown = null;
    form.setBlocked(false);
    form.error.show(
      [
        h('span', { class: 'message-line', 'data-testid': 'lockout-ended' }, LOCK_ENDED_TEXT),
        name === null ? null : attemptsWarningLine(attempts, name, options.kind),
      ],
      'warning',
    );
  };

  return {
    start(retryAfterMs) {
      const name = options.account();
      attempts.locked(name, retryAfterMs, now());
      lockedName = name;
      showLocked(retryAfterMs);
      tick();
    },
    refresh: tick,
    dispose: stopTimer,
  };
}
