/**
 * What every form that checks the signed-in user's password shares (change password, and the
 * re-authentication step before a revoke): the account it is for, named to password managers by
 * a hidden username input, and a lock-out counted with sign-in's, as a `password-check`.
 */
import { h } from '../dom';
import { signedInUsername, type ScreenContext } from '../screen';
import type { Form } from './form';
import { attemptsWarningLine, lockout, type Lockout } from './lockout';

/** The account side of a password-checking form, set up by {@link passwordCheck}. */
export interface PasswordCheck {
  /** The signed-in username the password is checked for ('' when nobody is signed in). */
  readonly account: string;
  /** The form's lock-out: start it on `RATE_LIMITED`, dispose of it with the form. */
  readonly lock: Lockout;
  /** After a wrong password: warns in the form's error area if the next wrong one locks. */
  warn(): void;
}

/**
 * Prepends the hidden username input to `form` (`usernameTestId` names it for tests) and sets
 * up its lock-out for the signed-in account.
 */
export function passwordCheck(
  ctx: Pick<ScreenContext, 'state' | 'attempts' | 'now'>,
  form: Form,
  usernameTestId?: string,
): PasswordCheck {
  const account = signedInUsername(ctx.state());
  // For password managers only: not shown, not focusable, not read out. It must come first in
  // the form for them to pair it with the passwords after it.
  form.element.prepend(
    h('input', {
      type: 'text',
      name: 'username',
      autocomplete: 'username',
      value: account,
      readonly: true,
      hidden: true,
      'data-testid': usernameTestId,
    }),
  );
  const lock = lockout({
    form,
    kind: 'password-check',
    attempts: ctx.attempts,
    now: () => ctx.now(),
    // The account cannot change while the form shows, unlike sign-in's typed username.
    account: () => account,
  });
  return {
    account,
    lock,
    warn() {
      const line = attemptsWarningLine(ctx.attempts, account, 'password-check');
      if (line) form.error.show(line, 'warning');
    },
  };
}
