/**
 * The banner at the top of the window that says the main process (or the preview host) is not
 * answering, with a button to check again. It is an `alert` when it appears; it goes away by
 * itself once an answer comes back.
 */
import { h } from '../dom';
import { unreachableText } from '../text/connection';

/** The banner's slot and its switch. */
export interface ConnectionBanner {
  readonly element: HTMLElement;
  /** Shows the banner (false) or removes it (true). */
  setReachable(reachable: boolean): void;
}

/** Builds the banner slot; `retry` runs when the user asks to check again. */
export function connectionBanner(retry: () => Promise<boolean>): ConnectionBanner {
  const element = h('div', { class: 'banner-slot' });
  // The preview host serves the page over http; the app serves it from app://.
  const words = unreachableText(location.protocol.startsWith('http'));
  return {
    element,
    setReachable(reachable) {
      if (reachable) {
        element.replaceChildren();
        return;
      }
      if (element.firstChild) return;
      const button = h(
        'button',
        { type: 'button', class: 'button button-small', 'data-testid': 'connection-retry' },
        'Check again',
      );
      button.addEventListener('click', () => {
        button.disabled = true;
        button.textContent = 'Checking…';
        void retry().finally(() => {
          button.disabled = false;
          button.textContent = 'Check again';
        });
      });
      element.replaceChildren(
        h(
          'div',
          { class: 'banner', role: 'alert', 'data-testid': 'connection-banner' },
          h('p', { class: 'banner-text' }, h('strong', {}, words.title), ' ', words.text),
          button,
        ),
      );
    },
  };
}
