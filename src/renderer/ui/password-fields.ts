/**
 * The password fields the forms share, built in one place so that each kind keeps the same
 * `autocomplete` token (which is what password managers go by) and a new password always shows
 * the shared rule with its live length meter, whichever screen asks for it.
 */
import { passwordLength, PASSWORD_MIN_LENGTH, PASSWORD_RULE } from '../../contract/account-rules';
import { confirmationError } from '../text/errors';
import { field, type Field } from './field';

/** A password the user already has: offered by password managers, never saved as new. */
export function currentPasswordField(label: string, testId: string): Field {
  return field({ label, testId, type: 'password', autocomplete: 'current-password' });
}

/**
 * A password being chosen: the rule shows before the first submit (`data-testid`
 * `password-rules`) with a count towards the minimum length, so nobody learns it from an error.
 */
export function newPasswordField(label: string, testId: string): Field {
  return field({
    label,
    testId,
    type: 'password',
    autocomplete: 'new-password',
    hint: PASSWORD_RULE,
    hintTestId: 'password-rules',
    lengthMeter: { min: PASSWORD_MIN_LENGTH, count: passwordLength },
  });
}

/** The new password typed again; `new-password` too, so managers fill both with the same. */
export function confirmPasswordField(label: string, testId: string): Field {
  return field({ label, testId, type: 'password', autocomplete: 'new-password' });
}

/**
 * The confirmation's entry for `form.check`. While the new password is empty its own field says
 * so, and a second "does not match" under the confirmation would only add noise.
 */
export function confirmationCheck(
  password: string,
  confirm: Field,
): readonly [Field, string | null] {
  return [confirm, password === '' ? null : confirmationError(password, confirm.value())];
}
