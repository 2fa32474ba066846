/**
 * Forwards OS lock and sleep events to the runtime (activity boundaries; with
 * `endStandardSessionOnLock`, the end of a standard session).
 */
import type { Logger } from '../../../src/core/ports';
import type { SessionRuntime, SystemEvent } from '../../../src/core/runtime';

/** The OS events forwarded, as `powerMonitor` names them. */
const POWER_EVENTS: readonly SystemEvent[] = ['lock-screen', 'unlock-screen', 'suspend', 'resume'];

/**
 * The events `powerMonitor` emits on `platform`: `lock-screen` and `unlock-screen` exist on macOS
 * and Windows only; `suspend` and `resume` everywhere.
 */
export function powerEventsOf(platform: NodeJS.Platform | undefined): readonly SystemEvent[] {
  if (platform === undefined || platform === 'darwin' || platform === 'win32') return POWER_EVENTS;
  return POWER_EVENTS.filter((event) => event !== 'lock-screen' && event !== 'unlock-screen');
}

/** The parts of Electron's `powerMonitor` used here. */
export interface PowerMonitorLike {
  on(event: SystemEvent, listener: () => void): unknown;
  /**
   * Linux and macOS: the system is about to shut down or restart. Electron passes an event whose
   * `preventDefault()` delays it (its typings declare no argument, hence `unknown`).
   */
  on(event: 'shutdown', listener: (event?: unknown) => void): unknown;
  removeListener(event: SystemEvent, listener: () => void): unknown;
}

/** Options of {@link setupPowerMonitor}. */
export interface PowerMonitorOptions {
  /** `process.platform`: which events exist. Unset, all of {@link POWER_EVENTS} are subscribed. */
  platform?: NodeJS.Platform;
  /** The runtime's setting: on a platform without screen-lock events it cannot work (a warning). */
  endStandardSessionOnLock?: boolean;
}

/**
 * Subscribes the runtime to the power events the platform has; returns a function that
 * unsubscribes. With `endStandardSessionOnLock` on a platform that never reports a screen lock
 * (Linux), it logs a warning: a standard session then lasts until quit or its own expiry.
 */
export function setupPowerMonitor(
  powerMonitor: PowerMonitorLike,
  runtime: Pick<SessionRuntime, 'handleSystemEvent'>,
  logger: Logger,
  options: PowerMonitorOptions = {},
): () => void {
  const events = powerEventsOf(options.platform);
  if (options.endStandardSessionOnLock && !events.includes('lock-screen')) {
    logger.warn('endStandardSessionOnLock has no effect here: the OS reports no screen lock', {
      platform: options.platform,
    });
  }
  const listeners = events.map((event) => {
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
