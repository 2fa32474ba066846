/**
 * A checkbox with its label, and a hint tied by `aria-describedby` that says why it is turned
 * off when it is ("Keep me signed in" where sessions cannot be kept).
 */
import { h, uid } from '../dom';

/** A checkbox (see the module comment). */
export interface Checkbox {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  /** Turns the checkbox off and unchecked, saying why; with null, turns it back on. */
  setUnavailable(reason: string | null): void;
}

/** Creates a checkbox with `data-testid` `testId` (its hint is `${testId}-hint`). */
export function checkbox(options: { label: string; testId: string; checked?: boolean }): Checkbox {
  const id = uid(options.testId);
  const hintId = `${id}-hint`;
  const input = h('input', {
    id,
    type: 'checkbox',
    name: options.testId,
    'data-testid': options.testId,
  });
  input.checked = options.checked ?? false;
  const hint = h('p', {
    id: hintId,
    class: 'field-hint',
    'data-testid': `${options.testId}-hint`,
    hidden: true,
  });
  const element = h(
    'div',
    { class: 'field field-checkbox' },
    input,
    h('label', { for: id }, options.label),
    hint,
  );
  return {
    element,
    input,
    setUnavailable(reason) {
      hint.textContent = reason ?? '';
      hint.hidden = reason === null;
      input.disabled = reason !== null;
      element.classList.toggle('is-disabled', reason !== null);
      if (reason === null) {
        input.removeAttribute('aria-describedby');
      } else {
        input.checked = false;
        input.setAttribute('aria-describedby', hintId);
      }
    },
  };
}
