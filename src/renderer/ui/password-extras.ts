/**
 * What every password field gets besides the input: a show/hide toggle (a real button, in the
 * tab order, with `aria-pressed`) and a Caps Lock warning that shows while the field has focus.
 */
import { addDescribedBy, h, svg } from '../dom';
import { capsLockOn, watchCapsLock } from './caps-lock';

/** The parts {@link passwordExtras} adds around a password input. */
export interface PasswordExtras {
  /** The input and its toggle, to put where the input would go. */
  readonly control: HTMLElement;
  /** The Caps Lock warning (empty while Caps Lock is off). */
  readonly capsWarning: HTMLElement;
  /** Hides the password again. */
  conceal(): void;
}

/** An eye ("show") or a struck-through eye ("hide"), drawn in the text colour. */
function eyeIcon(struck: boolean): SVGElement {
  const icon = svg(
    'svg',
    { viewBox: '0 0 24 24', width: 20, height: 20, 'aria-hidden': 'true', focusable: 'false' },
    svg('path', {
      d: 'M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12Z',
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
      'stroke-linejoin': 'round',
    }),
    svg('circle', {
      cx: 12,
      cy: 12,
      r: 3,
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
    }),
  );
  if (struck) {
    icon.appendChild(
      svg('path', {
        d: 'M4 4l16 16',
        stroke: 'currentColor',
        'stroke-width': 2,
        'stroke-linecap': 'round',
      }),
    );
  }
  return icon;
}

/** Builds the toggle and the warning for `input` (see the module comment). */
export function passwordExtras(input: HTMLInputElement, testId: string): PasswordExtras {
  const toggle = h('button', {
    type: 'button',
    class: 'password-toggle',
    'aria-label': 'Show password',
    'aria-pressed': 'false',
    'aria-controls': input.id,
    'data-testid': `${testId}-toggle`,
  });
  const render = (shown: boolean): void => {
    input.type = shown ? 'text' : 'password';
    toggle.setAttribute('aria-pressed', String(shown));
    toggle.replaceChildren(eyeIcon(shown)); // The icon shows what a press does.
    toggle.title = shown ? 'Hide password' : 'Show password';
  };
  toggle.addEventListener('click', () => render(input.type === 'password'));
  render(false);

  const capsWarning = h('p', {
    id: `${input.id}-caps`,
    class: 'field-caps',
    role: 'status',
    'data-testid': `${testId}-caps`,
  });
  addDescribedBy(input, capsWarning.id);
  const showCaps = (on: boolean): void => {
    const text = on ? 'Caps Lock is on.' : '';
    if (capsWarning.textContent !== text) capsWarning.textContent = text;
  };
  // Subscribed only while focused: the warning is about what this field is typing.
  let stop: (() => void) | null = null;
  input.addEventListener('focus', () => {
    showCaps(capsLockOn());
    stop ??= watchCapsLock(showCaps);
  });
  input.addEventListener('blur', () => {
    stop?.();
    stop = null;
    showCaps(false);
  });

  const control = h('div', { class: 'password-control' }, input, toggle);
  return { control, capsWarning, conceal: () => render(false) };
}
