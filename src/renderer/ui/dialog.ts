/**
 * A modal `<dialog>`: the browser traps focus inside it and Escape cancels it; this adds a title
 * tied by `aria-labelledby`, a description tied by `aria-describedby`, and focus given back to
 * whatever opened it. Only one is open at a time: opening another, or the session ending
 * underneath ({@link closeDialogs}), cancels the one that shows.
 */
import { append, h, uid, type Child } from '../dom';

/** An open dialog. */
export interface Dialog {
  readonly element: HTMLDialogElement;
  /** Replaces the title, the description and the body (a new step of the same dialog). */
  render(content: { title: string; description: Child[]; body: Child[] }): void;
  /** Closes it (without calling `onCancel`) and gives focus back. */
  close(): void;
}

const open = new Set<() => void>();

/**
 * Opens a modal dialog; `onCancel` runs when the user presses Escape or it is closed by
 * {@link closeDialogs}. `focus` is where focus starts (the least destructive control).
 */
export function openDialog(options: {
  testId: string;
  title: string;
  description: Child[];
  body: Child[];
  onCancel: () => void;
  focus?: () => HTMLElement | null;
}): Dialog {
  for (const cancel of [...open]) cancel();
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = uid('dialog-title');
  const descriptionId = uid('dialog-description');
  const element = h('dialog', {
    class: 'dialog',
    'aria-labelledby': titleId,
    'aria-describedby': descriptionId,
    'data-testid': options.testId,
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    open.delete(cancel);
    if (element.open) element.close();
    element.remove();
    if (opener?.isConnected) opener.focus();
  };
  const cancel = (): void => {
    if (closed) return;
    close();
    options.onCancel();
  };
  const dialog: Dialog = {
    element,
    render(content) {
      element.replaceChildren(
        h(
          'h2',
          { id: titleId, class: 'dialog-title', 'data-testid': `${options.testId}-title` },
          content.title,
        ),
        h('div', { id: descriptionId, class: 'dialog-description' }, ...content.description),
      );
      append(element, ...content.body);
    },
    close,
  };
  element.addEventListener('cancel', (event) => {
    event.preventDefault();
    cancel();
  });
  dialog.render(options);
  open.add(cancel);
  document.body.append(element);
  element.showModal();
  (options.focus?.() ?? element.querySelector<HTMLElement>('button, input'))?.focus();
  return dialog;
}

/** Cancels any open dialog (e.g. when the session ends underneath it). */
export function closeDialogs(): void {
  for (const cancel of [...open]) cancel();
}
