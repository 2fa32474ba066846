/**
 * Tiny DOM helpers. Text is always set as text (never parsed as HTML), so nothing the host
 * returns can inject markup; no inline styles or scripts (the CSP forbids them).
 */

type Child = Node | string | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;

let nextId = 0;

/** A document-unique id with a readable prefix. */
export function uid(prefix: string): string {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

/** Creates an element. `true` attributes are set empty, `false`/null/undefined are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, AttrValue> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

/** Appends children, turning strings into text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A labelled input with an optional hint and an error slot tied by `aria-describedby`. */
export interface Field {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  /** Shows (or, with null, clears) the field's error and marks the input invalid. */
  setError(message: string | null): void;
  value(): string;
}

export interface FieldOptions {
  label: string;
  testId: string;
  type?: 'text' | 'password';
  autocomplete?: string;
  hint?: string;
  /** `data-testid` of the hint (e.g. the password rules). */
  hintTestId?: string;
  /** An element elsewhere (e.g. shared rules) that also describes this field. */
  describedBy?: string;
  required?: boolean;
  maxLength?: number;
}

export function field(options: FieldOptions): Field {
  const id = uid(options.testId);
  const hintId = options.hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  const input = h('input', {
    id,
    name: options.testId,
    type: options.type ?? 'text',
    autocomplete: options.autocomplete,
    'data-testid': options.testId,
    required: options.required ?? true,
    'aria-required': (options.required ?? true) ? 'true' : null,
    maxlength: options.maxLength,
    spellcheck: 'false',
    autocapitalize: 'off',
  });
  const error = h('p', {
    id: errorId,
    class: 'field-error',
    'data-testid': `${options.testId}-error`,
    hidden: true,
  });
  const describe = (withError: boolean): void => {
    const ids = [options.describedBy, hintId, withError ? errorId : null].filter(Boolean).join(' ');
    if (ids) input.setAttribute('aria-describedby', ids);
    else input.removeAttribute('aria-describedby');
  };
  describe(false);
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, options.label),
    hintId
      ? h('p', { id: hintId, class: 'field-hint', 'data-testid': options.hintTestId }, options.hint)
      : null,
    input,
    error,
  );
  return {
    element,
    input,
    value: () => input.value,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = message === null;
      if (message === null) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      describe(message !== null);
    },
  };
}

/** A checkbox with its label (and optional hint tied by `aria-describedby`). */
export function checkbox(options: {
  label: string;
  testId: string;
  checked?: boolean;
  hint?: string | null;
}): {
  element: HTMLElement;
  input: HTMLInputElement;
  setHint(text: string | null): void;
} {
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
  const setHint = (text: string | null): void => {
    hint.textContent = text ?? '';
    hint.hidden = text === null;
    if (text === null) input.removeAttribute('aria-describedby');
    else input.setAttribute('aria-describedby', hintId);
  };
  setHint(options.hint ?? null);
  const element = h(
    'div',
    { class: 'field field-checkbox' },
    input,
    h('label', { for: id }, options.label),
    hint,
  );
  return { element, input, setHint };
}

/**
 * A message area: `alert` for errors (announced at once), `status` for news. It stays in the
 * document while empty (collapsed by CSS), so assistive technology hears every change.
 */
export function messageArea(
  testId: string,
  role: 'alert' | 'status',
): {
  element: HTMLElement;
  show(text: string | null, tone?: 'info' | 'warning' | 'error' | 'success'): void;
} {
  const element = h('div', { class: 'message', role, 'data-testid': testId });
  return {
    element,
    show(text, tone = role === 'alert' ? 'error' : 'info') {
      element.textContent = text ?? '';
      element.className = text === null ? 'message' : `message message-${tone}`;
      if (text === null) delete element.dataset.tone;
      else element.dataset.tone = tone;
    },
  };
}

/**
 * Marks a form busy while `task` runs: its submit button is disabled and relabelled, and the form
 * gets `aria-busy`. Returns the task's result.
 */
export async function whileBusy<T>(
  form: HTMLFormElement,
  button: HTMLButtonElement,
  busyLabel: string,
  task: () => Promise<T>,
): Promise<T> {
  const label = button.textContent ?? '';
  button.disabled = true;
  button.textContent = busyLabel;
  form.setAttribute('aria-busy', 'true');
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.textContent = label;
    form.removeAttribute('aria-busy');
  }
}
