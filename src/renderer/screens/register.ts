/**
 * Create account: the username and password rules show before the first submit, are checked
 * before submitting with the server's own words (`contract/account-rules.ts`), and every problem
 * shows at once, each on its field.
 */
import { SIGN_IN_NAME_MAX_LENGTH, USERNAME_RULE } from '../../contract/account-rules';
import { h } from '../dom';
import type { Screen, ScreenContext } from '../screen';
import {
  fieldForError,
  newPasswordError,
  newUsernameError,
  withoutFieldPath,
} from '../text/errors';
import { field, type Field } from '../ui/field';
import { createForm } from '../ui/form';
import { confirmationCheck, confirmPasswordField, newPasswordField } from '../ui/password-fields';
import { rememberCheckbox } from '../ui/remember-checkbox';

type RegisterField = 'username' | 'password';

/** The create-account screen. */
export function registerScreen(ctx: ScreenContext): Screen {
  const username = field({
    label: 'Username',
    testId: 'register-username',
    autocomplete: 'username',
    hint: USERNAME_RULE,
    hintTestId: 'username-rules',
    // Longer than the rule allows, so a long name gets the rule's words rather than being cut.
    maxLength: SIGN_IN_NAME_MAX_LENGTH,
  });
  const password = newPasswordField('Password', 'register-password');
  const confirm = confirmPasswordField('Confirm password', 'register-confirm');
  const remember = rememberCheckbox('register-remember', ctx.state());

  const form = createForm({
    name: 'register',
    fields: [username, password, confirm],
    extras: [remember.element],
    submit: { label: 'Create account', busyLabel: 'Creating account…' },
  });
  const fields: Record<RegisterField, Field> = { username, password };

  form.onSubmit(async () => {
    const name = username.value().trim();
    const pass = password.value();
    const fine = form.check([
      [username, newUsernameError(name)],
      [password, newPasswordError(pass)],
      confirmationCheck(pass, confirm),
    ]);
    if (!fine) return;
    const result = await form.send(() =>
      ctx.api.register({ username: name, password: pass, rememberMe: remember.input.checked }),
    );
    if (result.ok) {
      ctx.apply(result.value);
      return;
    }
    const { code, message } = result.error;
    const target = fieldForError<RegisterField>(
      code,
      message,
      { USERNAME_TAKEN: 'username', WEAK_PASSWORD: 'password' },
      { username: 'username', password: 'password' },
      'username',
    );
    if (target) {
      const text =
        code === 'USERNAME_TAKEN'
          ? 'That username is taken. Choose another one.'
          : withoutFieldPath(message);
      form.check([[fields[target], text]]);
    } else {
      form.error.show(message);
      form.submit.focus();
    }
  });

  const back = h(
    'button',
    { type: 'button', class: 'link-button', 'data-testid': 'go-sign-in' },
    'Sign in instead',
  );
  back.addEventListener('click', () => ctx.go('sign-in'));

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'screen-register', 'aria-labelledby': 'register-title' },
    h('h1', { id: 'register-title', tabindex: '-1' }, 'Create an account'),
    h('p', { class: 'card-lead' }, 'Your account lives on this computer only.'),
    form.element,
    h('p', { class: 'aside' }, 'Already have an account? ', back),
  );
  return { element, focus: () => username.input.focus(), update: remember.update };
}
