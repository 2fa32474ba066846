/**
 * The notice shown while sessions cannot be kept across restarts: what it means and what to do.
 */
import type { AuthState } from '../../contract/contract';
import { h } from '../dom';
import { storageNotice } from '../text/storage';

/** The notice for `state`, or null when sessions can be kept. */
export function storageNoticeElement(state: AuthState): HTMLElement | null {
  const notice = storageNotice(state.storage);
  if (!notice) return null;
  return h(
    'div',
    {
      class: 'notice notice-warning',
      role: 'note',
      'data-testid': 'storage-notice',
      'data-reason': state.storage.reason ?? '',
    },
    h('h2', { class: 'notice-title' }, notice.title),
    h('p', {}, notice.text),
    h('p', { 'data-testid': 'storage-fix' }, notice.fix),
  );
}
