/**
 * Labelled inputs: a hint and an error slot tied to the input by `aria-describedby`, the error
 * also marked with `aria-invalid`. Password fields add a show/hide toggle and a Caps Lock
 * warning (see `password-extras.ts`).
 */
import { addDescribedBy, h, removeDescribedBy, uid } from '../dom';
import { passwordExtras } from './password-extras';

/** One field of a form. */
export interface Field {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  /** Shows (or, with null, clears) the field's error and marks the input invalid. */
  setError(message: string | null): void;
  /** The value exactly as typed. */
  value(): string;
  /** Empties the input (and anything that shows its length). */
  clear(): void;
  /** Puts a password field back to hidden (before a submit, so nothing stays on screen). */
  conceal(): void;
}

/** What a {@link field} looks like. */
export interface FieldOptions {
  label: string;
  testId: string;
  type?: 'text' | 'password';
  autocomplete: string;
  hint?: string;
  /** `data-testid` of the hint (e.g. the password rules). */
  hintTestId?: string;
  required?: boolean;
  maxLength?: number;
  /**
   * A live count of characters (as `count` counts them) against a minimum (new passwords) or a
   * maximum (display names).
   */
  lengthMeter?: LengthRule;
}

/** What a length meter counts against. */
export interface LengthRule {
  min?: number;
  max?: number;
  count: (value: string) => number;
}

/** A labelled input (see the module comment). */
export function field(options: FieldOptions): Field {
  const id = uid(options.testId);
  const required = options.required ?? true;
  const input = h('input', {
    id,
    name: options.testId,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete,
    'data-testid': options.testId,
    required,
    'aria-required': required ? 'true' : null,
    maxlength: options.maxLength,
    spellcheck: 'false',
    autocapitalize: 'off',
    autocorrect: 'off',
  });
  const hint = options.hint
    ? h(
        'p',
        { id: `${id}-hint`, class: 'field-hint', 'data-testid': options.hintTestId },
        options.hint,
      )
    : null;
  if (hint) addDescribedBy(input, hint.id);
  const meter = options.lengthMeter
    ? lengthMeter(input, id, options.testId, options.lengthMeter)
    : null;
  const error = h('p', {
    id: `${id}-error`,
    class: 'field-error',
    'data-testid': `${options.testId}-error`,
    hidden: true,
  });
  const extras = options.type === 'password' ? passwordExtras(input, options.testId) : null;

  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, options.label),
    hint,
    extras ? extras.control : input,
    meter,
    extras?.capsWarning,
    error,
  );
  const api: Field = {
    element,
    input,
    value: () => input.value,
    conceal: () => extras?.conceal(),
    clear() {
      input.value = '';
      input.dispatchEvent(new Event('input'));
    },
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === null;
      // An error that repeats the hint word for word replaces it rather than doubling it.
      if (hint) hint.hidden = message !== null && message === hint.textContent;
      if (message === null) {
        input.removeAttribute('aria-invalid');
        removeDescribedBy(input, error.id);
      } else {
        input.setAttribute('aria-invalid', 'true');
        addDescribedBy(input, error.id);
      }
    },
  };
  // An error is about what was typed: once the user changes it, it no longer applies (the next
  // submit checks again).
  input.addEventListener('input', () => {
    if (!error.hidden) api.setError(null);
  });
  return api;
}

/**
 * "7 of at least 12 characters" (a minimum) or "7 of 100 characters" (a maximum), updated as the
 * user types; tied to the input.
 */
function lengthMeter(
  input: HTMLInputElement,
  id: string,
  testId: string,
  rule: LengthRule,
): HTMLElement {
  const meter = h('p', {
    id: `${id}-length`,
    class: 'field-meter',
    'data-testid': `${testId}-length`,
  });
  const update = (): void => {
    const n = rule.count(input.value);
    const { min = 0, max = Infinity } = rule;
    meter.textContent =
      n === 0
        ? ''
        : n < min
          ? `${n} of at least ${min} characters`
          : n > max
            ? `${n} of ${max} characters (${n - max} too many)`
            : max < Infinity
              ? `${n} of ${max} characters`
              : `${n} characters`;
    meter.dataset.enough = String(n >= min && n <= max);
    meter.dataset.over = String(n > max);
    meter.dataset.kind = max < Infinity ? 'max' : 'min';
  };
  input.addEventListener('input', update);
  update();
  addDescribedBy(input, meter.id);
  return meter;
}
