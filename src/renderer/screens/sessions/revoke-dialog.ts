/**
 * The confirmation before any revoke. Step one names what ends (the device, or "all N other
 * sessions" with their devices) and starts on Cancel; nothing is sent until the user confirms.
 * If main then answers `REAUTH_REQUIRED`, the same dialog asks for the password and retries
 * with it; wrong passwords and lock-outs are handled there, counted like any password check.
 * Cancel or Escape at any step leaves everything as it was.
 */
import type { IpcResult, SessionView } from '../../../contract/contract';
import { h } from '../../dom';
import type { ScreenContext } from '../../screen';
import { formatRelative } from '../../text/time';
import { openDialog, type Dialog } from '../../ui/dialog';
import { createForm } from '../../ui/form';
import { passwordCheck } from '../../ui/password-check';
import { currentPasswordField } from '../../ui/password-fields';

/** What is about to end. */
export type RevokeTarget =
  { kind: 'one'; session: SessionView } | { kind: 'others'; sessions: readonly SessionView[] };

/** The dialog's title: it names what ends. */
function revokeTitle(target: RevokeTarget): string {
  if (target.kind === 'one') return `Sign out ${target.session.device}?`;
  const n = target.sessions.length;
  return n === 1 ? 'Sign out the other session?' : `Sign out all ${n} other sessions?`;
}

function summary(session: SessionView, now: number): string {
  return `signed in ${formatRelative(session.createdAt, now)}, last active ${formatRelative(session.lastActiveAt, now)}`;
}

/**
 * Asks, then runs `action` (first without a password, then with the one entered if main asks
 * for it). Resolves with the answer, or null when the user cancelled.
 */
export function confirmRevoke<T>(
  ctx: ScreenContext,
  target: RevokeTarget,
  action: (password?: string) => Promise<IpcResult<T>>,
): Promise<IpcResult<T> | null> {
  return new Promise((resolve) => {
    const now = ctx.now();
    let stopLockout: () => void = () => {};
    const finish = (result: IpcResult<T> | null): void => {
      stopLockout();
      dialog.close();
      resolve(result);
    };
    const confirm = h(
      'button',
      { type: 'button', class: 'button button-danger', 'data-testid': 'confirm-revoke' },
      target.kind === 'one' ? 'Sign out' : 'Sign out all',
    );
    const cancel = h(
      'button',
      { type: 'button', class: 'button', 'data-testid': 'cancel-revoke' },
      'Cancel',
    );
    const description =
      target.kind === 'one'
        ? [
            h(
              'p',
              {},
              `This session (${summary(target.session, now)}) ends at once. Whoever uses it will have to sign in again.`,
            ),
          ]
        : [
            h('p', {}, 'These sessions end at once; this device stays signed in:'),
            h(
              'ul',
              { class: 'dialog-list', 'data-testid': 'revoke-list' },
              ...target.sessions.map((s) =>
                h(
                  'li',
                  {},
                  h('strong', { class: 'device-name' }, s.device),
                  ` — ${summary(s, now)}`,
                ),
              ),
            ),
          ];
    const dialog: Dialog = openDialog({
      testId: 'revoke-dialog',
      title: revokeTitle(target),
      description,
      // Cancel first: the safe choice is where focus starts and where the eye lands.
      body: [h('div', { class: 'actions dialog-actions' }, cancel, confirm)],
      onCancel: () => {
        stopLockout();
        resolve(null);
      },
      focus: () => cancel,
    });
    cancel.addEventListener('click', () => finish(null));
    confirm.addEventListener('click', () => {
      confirm.disabled = true;
      confirm.textContent = 'Signing out…';
      void action().then((result) => {
        if (result.ok || result.error.code !== 'REAUTH_REQUIRED') return finish(result);
        stopLockout = askPassword(ctx, dialog, target, action, finish);
      });
    });
  });
}

/** Step two: the password, retried until right, cancelled, or answered otherwise. */
function askPassword<T>(
  ctx: ScreenContext,
  dialog: Dialog,
  target: RevokeTarget,
  action: (password: string) => Promise<IpcResult<T>>,
  finish: (result: IpcResult<T> | null) => void,
): () => void {
  const password = currentPasswordField('Password', 'reauth-password');
  const cancel = h(
    'button',
    { type: 'button', class: 'button', 'data-testid': 'reauth-cancel' },
    'Cancel',
  );
  cancel.addEventListener('click', () => finish(null));
  const form = createForm({
    name: 'reauth',
    labelledBy: dialog.element.getAttribute('aria-labelledby') ?? '',
    fields: [password],
    submit: { label: 'Confirm and sign out', busyLabel: 'Checking…', danger: true },
    actions: [cancel],
  });
  const check = passwordCheck(ctx, form);
  const { account, lock } = check;
  const what =
    target.kind === 'one'
      ? target.session.device
      : revokeTitle(target).replace(/^Sign out |\?$/g, '');
  dialog.render({
    title: 'Confirm it’s you',
    description: [h('p', {}, `For your security, enter your password to sign out ${what}.`)],
    body: [form.element],
  });
  form.onSubmit(async () => {
    const value = password.value();
    if (!form.check([[password, value ? null : 'Enter your password.']])) return;
    const result = await form.send(() => action(value));
    if (result.ok) {
      ctx.attempts.succeeded(account);
      return finish(result);
    }
    const { code, message, retryAfterMs } = result.error;
    if (code === 'INVALID_CREDENTIALS' || code === 'INVALID_INPUT') {
      if (code === 'INVALID_CREDENTIALS') ctx.attempts.failed(account, result.error);
      check.warn();
      form.check([[password, code === 'INVALID_CREDENTIALS' ? 'Incorrect password.' : message]]);
      password.input.select();
      return;
    }
    if (code === 'RATE_LIMITED' && retryAfterMs !== undefined) {
      lock.start(retryAfterMs);
      password.input.focus();
      return;
    }
    finish(result);
  });
  password.input.focus();
  return () => lock.dispose();
}
