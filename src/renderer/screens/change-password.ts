/**
 * Change password: current, new, confirm; "sign out my other sessions" is on by default. A hidden
 * username field names the account, so password managers store the new password under it.
 * Wrong current passwords count towards the same lock-out as sign-in, and the screen says so
 * before the attempt that locks, and while it lasts.
 */
import { passwordLength, PASSWORD_MIN_LENGTH, PASSWORD_RULE } from '../../shared/account-rules';
import { h } from '../dom';
import type { Screen, ScreenContext } from '../screen';
import {
  confirmationError,
  fieldForError,
  newPasswordError,
  withoutFieldPath,
} from '../text/errors';
import { nextFailureWarning } from '../text/lockout';
import { checkbox } from '../ui/checkbox';
import { field, type Field } from '../ui/field';
import { createForm } from '../ui/form';
import { lockout } from '../ui/lockout';
import { messageArea } from '../ui/message';

type PasswordField = 'current' | 'next';

/** The change-password screen. */
export function changePasswordScreen(ctx: ScreenContext): Screen {
  const state = ctx.state();
  const account = state?.authenticated ? state.user.username : '';
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
    hint: PASSWORD_RULE,
    hintTestId: 'password-rules',
    lengthMeter: { min: PASSWORD_MIN_LENGTH, count: passwordLength },
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
  // For password managers only: not shown, not focusable, not read out.
  const hiddenUsername = h('input', {
    type: 'text',
    name: 'username',
    autocomplete: 'username',
    value: account,
    readonly: true,
    hidden: true,
    'data-testid': 'change-password-username',
  });
  const status = messageArea('change-password-status', 'status');
  const form = createForm({
    testId: 'change-password-form',
    labelledBy: 'change-password-title',
    fields: [current, next, confirm],
    extras: [signOutOthers.element],
    errorTestId: 'change-password-error',
    submit: {
      label: 'Change password',
      busyLabel: 'Changing password…',
      testId: 'change-password-submit',
    },
  });
  // The username field must come first for password managers to pair it with the passwords.
  form.element.prepend(hiddenUsername);
  const fields: Record<PasswordField, Field> = { current, next };
  const lock = lockout({
    form,
    kind: 'password-check',
    attempts: ctx.attempts,
    now: () => ctx.now(),
    account: () => account,
  });

  form.onSubmit(async () => {
    status.show(null);
    const pass = next.value();
    const same = pass !== '' && pass === current.value();
    const fine = form.check([
      [current, current.value() ? null : 'Enter your current password.'],
      [
        next,
        newPasswordError(pass) ??
          (same ? 'Choose a password different from the current one.' : null),
      ],
      [confirm, pass === '' ? null : confirmationError(pass, confirm.value())],
    ]);
    if (!fine) return;
    const result = await form.send(() =>
      ctx.api.changePassword({
        currentPassword: current.value(),
        newPassword: pass,
        signOutOtherSessions: signOutOthers.input.checked,
      }),
    );
    if (result.ok) {
      ctx.attempts.succeeded(account);
      for (const f of [current, next, confirm]) f.clear();
      const n = result.value.revokedSessions;
      status.show(
        `Your password was changed.${signOutOthers.input.checked ? ` ${n} other session${n === 1 ? ' was' : 's were'} signed out.` : ''}`,
        'success',
      );
      current.input.focus();
      return;
    }
    if (await ctx.handleLostSession(result)) return;
    const { code, message, retryAfterMs } = result.error;
    if (code === 'RATE_LIMITED' && retryAfterMs !== undefined) {
      lock.start(retryAfterMs);
      current.input.focus();
      return;
    }
    if (code === 'INVALID_CREDENTIALS') {
      ctx.attempts.failed(account, result.error.attemptsLeft);
      const warning = nextFailureWarning(ctx.attempts.next(account), 'password-check');
      if (warning)
        form.error.show(h('span', { 'data-testid': 'attempts-warning' }, warning), 'warning');
    }
    const target = fieldForError<PasswordField>(
      code,
      message,
      { INVALID_CREDENTIALS: 'current', WEAK_PASSWORD: 'next' },
      { currentPassword: 'current', newPassword: 'next' },
    );
    if (target) {
      form.check([
        [
          fields[target],
          code === 'INVALID_CREDENTIALS'
            ? 'Incorrect current password.'
            : withoutFieldPath(message),
        ],
      ]);
      if (target === 'current') current.input.select();
    } else {
      form.error.show(message);
      form.submit.focus();
    }
  });

  const element = h(
    'section',
    {
      class: 'card',
      'data-testid': 'screen-change-password',
      'aria-labelledby': 'change-password-title',
    },
    h('h1', { id: 'change-password-title', tabindex: '-1' }, 'Change password'),
    h(
      'p',
      { class: 'card-lead' },
      'Choose a new password for ',
      h('strong', { class: 'username' }, account),
      '. Other devices will need it the next time they sign in.',
    ),
    status.element,
    form.element,
  );
  return { element, dispose: () => lock.dispose() };
}
