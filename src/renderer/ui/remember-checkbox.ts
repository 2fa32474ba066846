/**
 * "Keep me signed in", on sign-in and create account: it names the host's remembered lifetime
 * (from the signed-out state), and where sessions cannot be kept it is off and says why.
 */
import type { AuthState } from '../../contract/contract';
import { rememberLabel, rememberUnavailableHint } from '../text/storage';
import { checkbox, type Checkbox } from './checkbox';

/** The checkbox, and `update` to call with every new state (the keyring may come and go). */
export interface RememberCheckbox extends Checkbox {
  update(state: AuthState | null): void;
}

/** Creates the checkbox (`data-testid` `testId`) for the current `state`. */
export function rememberCheckbox(testId: string, state: AuthState | null): RememberCheckbox {
  const forMs = state && !state.authenticated ? state.rememberForMs : undefined;
  const box = checkbox({ label: rememberLabel(forMs), testId });
  const update = (next: AuthState | null): void => {
    box.setUnavailable(next ? rememberUnavailableHint(next.storage) : null);
  };
  update(state);
  return { ...box, update };
}
