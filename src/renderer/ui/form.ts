/**
 * The scaffolding every form shares: fields, an error area (`role="alert"`), a submit button,
 * and a submit handler that never runs twice at once. While a request is in flight the button
 * is disabled and relabelled and the form is `aria-busy`; a submit (an Enter press, say) that
 * arrives meanwhile is dropped, so a burst of Enter presses sends one request.
 */
import { append, h, type Child } from '../dom';
import type { Field } from './field';
import { messageArea, type MessageArea } from './message';

/** What a {@link createForm} contains. */
export interface FormOptions {
  /**
   * What the form's test ids are made of: `${name}-form`, `${name}-error` (the error area) and
   * `${name}-submit`. One convention for every form, so journeys find each one's parts alike.
   */
  name: string;
  /** The id of the heading that names the form; by default the screen's `${name}-title`. */
  labelledBy?: string;
  /** The fields, in order; their errors are cleared at each submit. */
  fields: readonly Field[];
  /** Anything shown between the fields and the error area (checkboxes, hidden inputs). */
  extras?: readonly Child[];
  submit: { label: string; busyLabel: string; danger?: boolean };
  /** More buttons beside the submit button (e.g. Cancel). */
  actions?: readonly Child[];
}

/** A form built by {@link createForm}. */
export interface Form {
  readonly element: HTMLFormElement;
  readonly submit: HTMLButtonElement;
  /** Form-wide errors and notices. */
  readonly error: MessageArea;
  /**
   * Runs `handler` on submit, after clearing the previous errors; never while a request is in
   * flight or while the form is blocked.
   */
  onSubmit(handler: () => Promise<void> | void): void;
  /**
   * Shows every problem at once (a null message means that field is fine), moves focus to the
   * first field with one, and returns true when there was none.
   */
  check(checks: ReadonlyArray<readonly [Field, string | null]>): boolean;
  /** Runs a request with the form marked busy. */
  send<T>(task: () => Promise<T>): Promise<T>;
  /** Disables the submit button while `blocked` (a lock-out), independent of busy. */
  setBlocked(blocked: boolean): void;
}

/** Builds a form (see the module comment). */
export function createForm(options: FormOptions): Form {
  const error = messageArea(`${options.name}-error`, 'alert');
  const submit = h(
    'button',
    {
      type: 'submit',
      class: `button ${options.submit.danger ? 'button-danger' : 'button-primary'}`,
      'data-testid': `${options.name}-submit`,
    },
    options.submit.label,
  );
  const element = h('form', {
    class: 'form',
    novalidate: true,
    'data-testid': `${options.name}-form`,
    'aria-labelledby': options.labelledBy ?? `${options.name}-title`,
  });
  append(
    element,
    ...options.fields.map((f) => f.element),
    ...(options.extras ?? []),
    error.element,
    h('div', { class: 'actions' }, submit, ...(options.actions ?? [])),
  );

  let busy = false;
  let blocked = false;
  const sync = (): void => {
    submit.disabled = busy || blocked;
  };

  const form: Form = {
    element,
    submit,
    error,
    onSubmit(handler) {
      element.addEventListener('submit', (event) => {
        event.preventDefault();
        if (busy || blocked) return;
        for (const f of options.fields) {
          f.setError(null);
          f.conceal();
        }
        error.show(null);
        void handler();
      });
    },
    check(checks) {
      let first: Field | null = null;
      for (const [f, message] of checks) {
        f.setError(message);
        if (message !== null) first ??= f;
      }
      first?.input.focus();
      return first === null;
    },
    async send(task) {
      busy = true;
      sync();
      submit.textContent = options.submit.busyLabel;
      element.setAttribute('aria-busy', 'true');
      try {
        return await task();
      } finally {
        busy = false;
        sync();
        submit.textContent = options.submit.label;
        element.removeAttribute('aria-busy');
      }
    },
    setBlocked(value) {
      blocked = value;
      sync();
    },
  };
  return form;
}
