import type { AuthState, SignedOutReason } from '../../shared/contract';
import type { AppContext, Screen } from '../app';
import { checkbox, field, h, messageArea, whileBusy } from '../dom';
import {
  BAD_CREDENTIALS_TEXT,
  lockoutMessage,
  rememberUnavailableHint,
  signedOutMessage,
} from '../messages';

/** Sign in: username, password, "Keep me signed in for 30 days", and why the user is here. */
export function signInScreen(
  app: AppContext,
  options: { reason: SignedOutReason | null; error: string | null },
): Screen {
  const reason = messageArea('signed-out-reason', 'status');
  const message = options.reason ? signedOutMessage(options.reason) : null;
  if (message) {
    reason.show(message.text, message.tone);
    reason.element.dataset.reason = options.reason ?? '';
  }

  const username = field({
    label: 'Username',
    testId: 'sign-in-username',
    autocomplete: 'username',
    maxLength: 256,
  });
  const password = field({
    label: 'Password',
    testId: 'sign-in-password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const remember = checkbox({ label: 'Keep me signed in for 30 days', testId: 'sign-in-remember' });
  const error = messageArea('sign-in-error', 'alert');
  if (options.error) error.show(options.error);
  const submit = h(
    'button',
    { type: 'submit', class: 'button button-primary', 'data-testid': 'sign-in-submit' },
    'Sign in',
  );

  const updateStorage = (state: AuthState | null): void => {
    remember.setHint(state ? rememberUnavailableHint(state.storage) : null);
  };
  updateStorage(app.state());

  const form = h(
    'form',
    {
      class: 'form',
      novalidate: true,
      'data-testid': 'sign-in-form',
      'aria-labelledby': 'sign-in-title',
    },
    username.element,
    password.element,
    remember.element,
    error.element,
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      error.show(null);
      username.setError(null);
      password.setError(null);
      const name = username.value().trim();
      const pass = password.value();
      if (!name) username.setError('Enter your username.');
      if (!pass) password.setError('Enter your password.');
      if (!name || !pass) {
        (name ? password : username).input.focus();
        return;
      }
      const result = await whileBusy(form, submit, 'Signing in…', () =>
        app.api.login({ username: name, password: pass, rememberMe: remember.input.checked }),
      );
      if (result.ok) {
        app.apply(result.value);
        return;
      }
      const { code, retryAfterMs } = result.error;
      if (code === 'RATE_LIMITED' && retryAfterMs !== undefined) {
        error.show(lockoutMessage(retryAfterMs, app.now()));
        error.element.dataset.retryAfterMs = String(retryAfterMs);
      } else if (code === 'INVALID_CREDENTIALS' || code === 'INVALID_INPUT') {
        // One message whatever was wrong, so nobody learns which accounts exist.
        error.show(BAD_CREDENTIALS_TEXT);
      } else {
        error.show(result.error.message);
      }
      password.input.select();
      password.input.focus();
    })();
  });

  const register = h(
    'button',
    { type: 'button', class: 'link-button', 'data-testid': 'go-register' },
    'Create an account',
  );
  register.addEventListener('click', () => app.go('register'));

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'screen-sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: '-1' }, 'Sign in'),
    reason.element,
    form,
    h('p', { class: 'aside' }, 'No account on this computer yet? ', register),
  );

  return {
    element,
    focus: () => username.input.focus(),
    update: (state) => updateStorage(state),
  };
}
