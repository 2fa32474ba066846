/**
 * The password prompt shown when the main process answers `REAUTH_REQUIRED`: a modal `<dialog>`
 * (focus is trapped and restored by the browser; Escape cancels). The action is retried with the
 * password; a wrong password keeps the prompt open with the error.
 */
import type { IpcResult } from '../shared/contract';
import { field, h, messageArea, whileBusy } from './dom';
import { lockoutMessage } from './messages';

/** Runs `action` without a password; when asked, prompts and retries with the one entered. */
export async function withReauth<T>(
  action: (password?: string) => Promise<IpcResult<T>>,
  purpose: string,
  now: () => number,
): Promise<IpcResult<T> | null> {
  const first = await action();
  if (first.ok || first.error.code !== 'REAUTH_REQUIRED') return first;
  return promptPassword(purpose, action, now);
}

function promptPassword<T>(
  purpose: string,
  action: (password: string) => Promise<IpcResult<T>>,
  now: () => number,
): Promise<IpcResult<T> | null> {
  return new Promise((resolve) => {
    const titleId = 'reauth-title';
    const password = field({
      label: 'Password',
      testId: 'reauth-password',
      type: 'password',
      autocomplete: 'current-password',
    });
    const error = messageArea('reauth-error', 'alert');
    const submit = h(
      'button',
      { type: 'submit', class: 'button button-primary', 'data-testid': 'reauth-submit' },
      'Confirm',
    );
    const cancel = h(
      'button',
      { type: 'button', class: 'button', 'data-testid': 'reauth-cancel' },
      'Cancel',
    );
    const form = h(
      'form',
      { novalidate: true },
      h('h2', { id: titleId }, 'Confirm it’s you'),
      h('p', {}, `For your security, enter your password to ${purpose}.`),
      password.element,
      error.element,
      h('div', { class: 'actions' }, submit, cancel),
    );
    const dialog = h(
      'dialog',
      { 'aria-labelledby': titleId, 'data-testid': 'reauth-dialog', class: 'dialog' },
      form,
    );
    let settled = false;
    const finish = (result: IpcResult<T> | null): void => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(result);
    };
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    cancel.addEventListener('click', () => finish(null));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void (async () => {
        const value = password.value();
        if (!value) {
          password.setError('Enter your password.');
          password.input.focus();
          return;
        }
        password.setError(null);
        error.show(null);
        const result = await whileBusy(form, submit, 'Checking…', () => action(value));
        if (result.ok) return finish(result);
        const { code, message, retryAfterMs } = result.error;
        if (code === 'INVALID_CREDENTIALS' || code === 'INVALID_INPUT') {
          password.setError(code === 'INVALID_CREDENTIALS' ? 'Incorrect password.' : message);
          password.input.select();
          password.input.focus();
          return;
        }
        if (code === 'RATE_LIMITED' && retryAfterMs !== undefined) {
          error.show(lockoutMessage(retryAfterMs, now()));
          password.input.focus();
          return;
        }
        finish(result);
      })();
    });
    document.body.append(dialog);
    dialog.showModal();
    password.input.focus();
  });
}

/** Closes any open password prompt (e.g. when the session ends underneath it). */
export function closeReauthDialog(): void {
  const dialog = document.querySelector<HTMLDialogElement>('dialog[data-testid="reauth-dialog"]');
  if (dialog) dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
}
