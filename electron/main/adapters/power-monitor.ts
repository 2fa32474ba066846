/**
 * Forwards OS lock and sleep events to the runtime (activity boundaries; with
 * `endStandardSessionOnLock`, the end of a standard session).
 */
import type { Logger } from '../../../src/core/ports';
import type { SessionRuntime, SystemEvent } from '../../../src/core/runtime';

/** The OS events forwarded, as `powerMonitor` names them. */
export const POWER_EVENTS: readonly SystemEvent[] = [
  'lock-screen',
  'unlock-screen',
  'suspend',
  'resume',
];

/** The parts of Electron's `powerMonitor` used here. */
export interface PowerMonitorLike {
  on(event: SystemEvent, listener: () => void): unknown;
  removeListener(event: SystemEvent, listener: () => void): unknown;
}

/** Subscribes the runtime to {@link POWER_EVENTS}; returns a function that unsubscribes. */
export function setupPowerMonitor(
  powerMonitor: PowerMonitorLike,
  runtime: Pick<SessionRuntime, 'handleSystemEvent'>,
  logger: Logger,
): () => void {
  const listeners = POWER_EVENTS.map((event) => {
    const listener = (): void => {
      runtime.handleSystemEvent(event).catch((error: unknown) => {
        logger.error('system event failed', {
          event,
          error: error instanceof Error ? error.name : 'unknown',
        });
      });
    };
    powerMonitor.on(event, listener);
    return [event, listener] as const;
  });
  return () => {
    for (const [event, listener] of listeners) powerMonitor.removeListener(event, listener);
  };
}
