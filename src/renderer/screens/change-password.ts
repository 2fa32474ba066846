import type { AppContext, Screen } from '../app';
import { checkbox, field, h, messageArea, whileBusy } from '../dom';
import {
  fieldForError,
  lockoutMessage,
  passwordProblem,
  PASSWORD_RULES_TEXT,
  withoutFieldPath,
} from '../messages';

type PasswordField = 'current' | 'next';

/** Change password: current, new, confirm; "sign out other sessions" is on by default. */
export function changePasswordScreen(app: AppContext): Screen {
  const current = field({
    label: 'Current password',
    testId: 'current-password',
    type: 'password',
    autocomplete: 'current-password',
  });
  const next = field({
    label: 'New password',
    testId: 'new-password',
    type: 'password',
    autocomplete: 'new-password',
    hint: PASSWORD_RULES_TEXT,
    hintTestId: 'password-rules',
  });
  const confirm = field({
    label: 'Confirm new password',
    testId: 'confirm-password',
    type: 'password',
    autocomplete: 'new-password',
  });
  const signOutOthers = checkbox({
    label: 'Sign out my other sessions',
    testId: 'sign-out-others',
    checked: true,
  });
  const status = messageArea('change-password-status', 'status');
  const error = messageArea('change-password-error', 'alert');
  const submit = h(
    'button',
    { type: 'submit', class: 'button button-primary', 'data-testid': 'change-password-submit' },
    'Change password',
  );
  const fields: Record<PasswordField, typeof current> = { current, next };

  const form = h(
    'form',
    {
      class: 'form',
      novalidate: true,
      'data-testid': 'change-password-form',
      'aria-labelledby': 'change-password-title',
    },
    current.element,
    next.element,
    confirm.element,
    signOutOthers.element,
    error.element,
    h('div', { class: 'actions' }, submit),
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      status.show(null);
      error.show(null);
      for (const f of [current, next, confirm]) f.setError(null);
      const problems: Array<[typeof current, string]> = [];
      if (!current.value()) problems.push([current, 'Enter your current password.']);
      const weak = passwordProblem(next.value());
      if (weak) problems.push([next, weak]);
      else if (next.value() === current.value())
        problems.push([next, 'Choose a password different from the current one.']);
      else if (confirm.value() !== next.value())
        problems.push([confirm, 'The new passwords do not match.']);
      if (problems.length > 0) {
        for (const [f, text] of problems) f.setError(text);
        problems[0]?.[0].input.focus();
        return;
      }
      const result = await whileBusy(form, submit, 'Changing password…', () =>
        app.api.changePassword({
          currentPassword: current.value(),
          newPassword: next.value(),
          signOutOtherSessions: signOutOthers.input.checked,
        }),
      );
      if (result.ok) {
        for (const f of [current, next, confirm]) f.input.value = '';
        const n = result.value.revokedSessions;
        status.show(
          `Your password was changed.${signOutOthers.input.checked ? ` ${n} other session${n === 1 ? ' was' : 's were'} signed out.` : ''}`,
          'success',
        );
        current.input.focus();
        return;
      }
      if (await app.handleLostSession(result)) return;
      const { code, message, retryAfterMs } = result.error;
      if (code === 'RATE_LIMITED' && retryAfterMs !== undefined) {
        error.show(lockoutMessage(retryAfterMs, app.now()));
        current.input.focus();
        return;
      }
      const target = fieldForError<PasswordField>(
        code,
        message,
        { INVALID_CREDENTIALS: 'current', WEAK_PASSWORD: 'next' },
        { currentPassword: 'current', newPassword: 'next' },
      );
      if (target) {
        fields[target].setError(
          code === 'INVALID_CREDENTIALS'
            ? 'Incorrect current password.'
            : withoutFieldPath(message),
        );
        fields[target].input.focus();
      } else {
        error.show(message);
        submit.focus();
      }
    })();
  });

  const element = h(
    'section',
    {
      class: 'card',
      'data-testid': 'screen-change-password',
      'aria-labelledby': 'change-password-title',
    },
    h('h1', { id: 'change-password-title', tabindex: '-1' }, 'Change password'),
    status.element,
    form,
  );
  return { element };
}
