/**
 * Whether Caps Lock is on, as far as the page can tell: every key event carries the modifier
 * state, so one listener on the document keeps it for all password fields. Before the first key
 * press nothing is known (reported as off).
 */

type Listener = (on: boolean) => void;

let capsOn = false;
let watching = false;
const listeners = new Set<Listener>();

function onKey(event: KeyboardEvent): void {
  // `getModifierState` is missing on synthetic events some tools dispatch.
  if (typeof event.getModifierState !== 'function') return;
  // On the Caps Lock key itself, platforms disagree whether keydown reports the state before or
  // after the toggle; keyup reports the new state everywhere.
  if (event.key === 'CapsLock' && event.type === 'keydown') return;
  const on = event.getModifierState('CapsLock');
  if (on === capsOn) return;
  capsOn = on;
  for (const listener of [...listeners]) listener(on);
}

/** Calls `listener` whenever Caps Lock turns on or off; returns a function that stops it. */
export function watchCapsLock(listener: Listener): () => void {
  if (!watching) {
    watching = true;
    document.addEventListener('keydown', onKey, { capture: true });
    document.addEventListener('keyup', onKey, { capture: true });
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The last known state. */
export function capsLockOn(): boolean {
  return capsOn;
}
