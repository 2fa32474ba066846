/**
 * Change password: current, new, confirm; "sign out my other sessions" is on by default. A hidden
 * username field names the account, so password managers store the new password under it.
 * Wrong current passwords count towards the same lock-out as sign-in, and the screen says so
 * before the attempt that locks, and while it lasts.
 */
import { h } from '../dom';
import type { Screen, ScreenContext } from '../screen';
import { fieldForError, newPasswordError, withoutFieldPath } from '../text/errors';
import { checkbox } from '../ui/checkbox';
import type { Field } from '../ui/field';
import { createForm } from '../ui/form';
import { messageArea } from '../ui/message';
import { passwordCheck } from '../ui/password-check';
import {
  confirmationCheck,
  confirmPasswordField,
  currentPasswordField,
  newPasswordField,
} from '../ui/password-fields';

type PasswordField = 'current' | 'next';

/** The change-password screen. */
export function changePasswordScreen(ctx: ScreenContext): Screen {
  const current = currentPasswordField('Current password', 'current-password');
  const next = newPasswordField('New password', 'new-password');
  const confirm = confirmPasswordField('Confirm new password', 'confirm-password');
  const signOutOthers = checkbox({
    label: 'Sign out my other sessions',
    testId: 'sign-out-others',
    checked: true,
  });
  const status = messageArea('change-password-status', 'status');
  const form = createForm({
    name: 'change-password',
    fields: [current, next, confirm],
    extras: [signOutOthers.element],
    submit: { label: 'Change password', busyLabel: 'Changing password…' },
  });
  const check = passwordCheck(ctx, form, 'change-password-username');
  const { account, lock } = check;
  const fields: Record<PasswordField, Field> = { current, next };

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
      confirmationCheck(pass, confirm),
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
      ctx.attempts.failed(account, result.error);
      check.warn();
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
