import type { AppContext, Screen } from '../app';
import { checkbox, field, h, messageArea, whileBusy } from '../dom';
import {
  fieldForError,
  passwordProblem,
  PASSWORD_RULES_TEXT,
  rememberUnavailableHint,
  USERNAME_RULES_TEXT,
  withoutFieldPath,
} from '../messages';

type RegisterField = 'username' | 'password';

/** Create account: the password rules show before the first submit; errors sit on their fields. */
export function registerScreen(app: AppContext): Screen {
  const username = field({
    label: 'Username',
    testId: 'register-username',
    autocomplete: 'username',
    hint: USERNAME_RULES_TEXT,
    maxLength: 256,
  });
  const password = field({
    label: 'Password',
    testId: 'register-password',
    type: 'password',
    autocomplete: 'new-password',
    hint: PASSWORD_RULES_TEXT,
    hintTestId: 'password-rules',
  });
  const confirm = field({
    label: 'Confirm password',
    testId: 'register-confirm',
    type: 'password',
    autocomplete: 'new-password',
  });
  const remember = checkbox({
    label: 'Keep me signed in for 30 days',
    testId: 'register-remember',
  });
  const state = app.state();
  remember.setHint(state ? rememberUnavailableHint(state.storage) : null);
  const error = messageArea('register-error', 'alert');
  const submit = h(
    'button',
    { type: 'submit', class: 'button button-primary', 'data-testid': 'register-submit' },
    'Create account',
  );
  const fields: Record<RegisterField, typeof username> = { username, password };

  const form = h(
    'form',
    {
      class: 'form',
      novalidate: true,
      'data-testid': 'register-form',
      'aria-labelledby': 'register-title',
    },
    username.element,
    password.element,
    confirm.element,
    remember.element,
    error.element,
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      error.show(null);
      for (const f of [username, password, confirm]) f.setError(null);
      const name = username.value().trim();
      const pass = password.value();
      const problems: Array<[typeof username, string]> = [];
      if (!name) problems.push([username, 'Enter a username.']);
      const weak = passwordProblem(pass);
      if (weak) problems.push([password, weak]);
      else if (confirm.value() !== pass) problems.push([confirm, 'The passwords do not match.']);
      if (problems.length > 0) {
        for (const [f, text] of problems) f.setError(text);
        problems[0]?.[0].input.focus();
        return;
      }
      const result = await whileBusy(form, submit, 'Creating account…', () =>
        app.api.register({ username: name, password: pass, rememberMe: remember.input.checked }),
      );
      if (result.ok) {
        app.apply(result.value);
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
        fields[target].setError(text);
        fields[target].input.focus();
      } else {
        error.show(message);
        submit.focus();
      }
    })();
  });

  const back = h(
    'button',
    { type: 'button', class: 'link-button', 'data-testid': 'go-sign-in' },
    'Sign in instead',
  );
  back.addEventListener('click', () => app.go('sign-in'));

  const element = h(
    'section',
    { class: 'card', 'data-testid': 'screen-register', 'aria-labelledby': 'register-title' },
    h('h1', { id: 'register-title', tabindex: '-1' }, 'Create an account'),
    h('p', {}, 'Your account lives on this computer only.'),
    form,
    h('p', { class: 'aside' }, 'Already have an account? ', back),
  );
  return { element, focus: () => username.input.focus() };
}
