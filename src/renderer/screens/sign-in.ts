/**
 * Sign in: username, password, "Keep me signed in" (for the host's remembered lifetime), and why
 * the user is here.
 *
 * Lock-outs: a `RATE_LIMITED` answer pauses the form with a live countdown (`ui/lockout.ts`),
 * and the answer before the one that locks warns that one attempt is left. The same failed
 * credentials are never sent twice: after "Incorrect username or password" a submit that
 * changed nothing repeats the message instead of spending another attempt.
 */
import { SIGN_IN_NAME_MAX_LENGTH } from '../../contract/account-rules';
import type { SignedOutReason } from '../../contract/contract';
import { h } from '../dom';
import type { Screen, ScreenContext } from '../screen';
import { BAD_CREDENTIALS_TEXT } from '../text/errors';
import { signedOutMessage } from '../text/reasons';
import { field } from '../ui/field';
import { createForm } from '../ui/form';
import { attemptsWarningLine, lockout } from '../ui/lockout';
import { messageArea } from '../ui/message';
import { currentPasswordField } from '../ui/password-fields';
import { rememberCheckbox } from '../ui/remember-checkbox';

/** The sign-in screen; `reason` says why nobody is signed in, `error` a failed first check. */
export function signInScreen(
  ctx: ScreenContext,
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
    maxLength: SIGN_IN_NAME_MAX_LENGTH,
  });
  const password = currentPasswordField('Password', 'sign-in-password');
  const remember = rememberCheckbox('sign-in-remember', ctx.state());
  const form = createForm({
    name: 'sign-in',
    fields: [username, password],
    extras: [remember.element],
    submit: { label: 'Sign in', busyLabel: 'Signing in…' },
  });
  if (options.error) form.error.show(options.error);

  const lock = lockout({
    form,
    kind: 'sign-in',
    attempts: ctx.attempts,
    now: () => ctx.now(),
    account: () => username.value().trim(),
  });
  username.input.addEventListener('input', () => lock.refresh());

  // The credentials of the last "incorrect" answer are unchanged until the user edits a field.
  let unchangedSinceFailure = false;
  for (const f of [username, password]) {
    f.input.addEventListener('input', () => {
      unchangedSinceFailure = false;
    });
  }

  const showIncorrect = (name: string): void => {
    form.error.show([
      h('span', { class: 'message-line message-strong' }, BAD_CREDENTIALS_TEXT),
      attemptsWarningLine(ctx.attempts, name, 'sign-in'),
    ]);
    password.input.select();
    password.input.focus();
  };

  form.onSubmit(async () => {
    const name = username.value().trim();
    const pass = password.value();
    const fine = form.check([
      [username, name ? null : 'Enter your username.'],
      [password, pass ? null : 'Enter your password.'],
    ]);
    if (!fine) return;
    if (unchangedSinceFailure) {
      showIncorrect(name);
      return;
    }
    const result = await form.send(() =>
      ctx.api.login({ username: name, password: pass, rememberMe: remember.input.checked }),
    );
    if (result.ok) {
      ctx.attempts.succeeded(name);
      ctx.apply(result.value);
      return;
    }
    const { code, retryAfterMs } = result.error;
    if (code === 'RATE_LIMITED' && retryAfterMs !== undefined) {
      lock.start(retryAfterMs);
      password.input.focus();
    } else if (code === 'INVALID_CREDENTIALS' || code === 'INVALID_INPUT') {
      // One message whatever was wrong, so nobody learns which accounts exist.
      if (code === 'INVALID_CREDENTIALS') ctx.attempts.failed(name, result.error);
      unchangedSinceFailure = true;
      showIncorrect(name);
    } else {
      form.error.show(result.error.message);
      password.input.focus();
    }
  });

  const register = h(
    'button',
    { type: 'button', class: 'link-button', 'data-testid': 'go-register' },
    'Create an account',
  );
  register.addEventListener('click', () => ctx.go('register'));

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'screen-sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title', tabindex: '-1' }, 'Sign in'),
    h('p', { class: 'card-lead' }, 'Sign in to Justice Companion on this computer.'),
    reason.element,
    form.element,
    h('p', { class: 'aside' }, 'New here? ', register),
  );

  return {
    element,
    focus: () => username.input.focus(),
    update: (state) => remember.update(state),
    dispose: () => lock.dispose(),
  };
}
