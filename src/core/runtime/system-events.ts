import type { RecordEvent } from './audit-trail';
import type { CurrentSession } from './current-session';
import type { SystemEvent } from './types';

/** What {@link handleSystemEvent} works with. */
export interface SystemEventDeps {
  current: CurrentSession;
  record: RecordEvent;
  /** End a standard (not remembered) session on screen lock or sleep. */
  endStandardOnLock: boolean;
}

/**
 * Records an OS event. Before a lock or a sleep the last activity is written, so idle time counts
 * from there; with `endStandardOnLock`, a standard session ends then.
 */
export function handleSystemEvent(event: SystemEvent, deps: SystemEventDeps): void {
  const before = deps.current.get();
  deps.record('system-event', before?.userId ?? null, before?.session.id ?? null, { event });
  if (event !== 'lock-screen' && event !== 'suspend') return;
  const c = deps.current.recheck({ touch: true });
  if (c && deps.endStandardOnLock && !c.session.rememberMe)
    deps.current.end(c, { reason: 'device-locked', destroy: true });
}
