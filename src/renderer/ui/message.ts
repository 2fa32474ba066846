/**
 * A message area: `alert` for errors (announced at once), `status` for news. It stays in the
 * document while empty (collapsed by CSS), so assistive technology hears every change.
 */
import { append, h, type Child } from '../dom';

/** The tone of a message, which sets its colour and icon. */
export type Tone = 'info' | 'warning' | 'error' | 'success';

/** A message area (see the module comment). */
export interface MessageArea {
  readonly element: HTMLElement;
  /** Shows `content` (or, with null, empties the area). */
  show(content: Child | Child[], tone?: Tone): void;
  /** True while something shows. */
  shown(): boolean;
}

/** Creates a message area with `data-testid` `testId`. */
export function messageArea(testId: string, role: 'alert' | 'status'): MessageArea {
  const element = h('div', { class: 'message', role, 'data-testid': testId });
  return {
    element,
    show(content, tone = role === 'alert' ? 'error' : 'info') {
      element.replaceChildren();
      const children = Array.isArray(content) ? content : [content];
      const empty = children.every((c) => c === null || c === undefined || c === false || c === '');
      if (empty) {
        element.className = 'message';
        delete element.dataset.tone;
        return;
      }
      append(element, ...children);
      element.className = `message message-${tone}`;
      element.dataset.tone = tone;
    },
    shown: () => element.dataset.tone !== undefined,
  };
}
