import type { AuditLog } from '../audit/audit-log';
import type { AuditDetails, AuditEvent, AuditEventType } from '../audit/audit-types';
import { describeError } from '../errors/describe-error';
import type { Logger } from '../ports';

/** Records runtime events in the audit log; never throws. */
export type RecordEvent = (
  event: AuditEventType,
  userId: number | null,
  sessionId: string | null,
  details?: AuditDetails,
) => void;

/**
 * The runtime's way into the audit log. A failure to write it must never lock anybody out or fail
 * a request that already happened, so it is logged loudly instead of thrown.
 */
export function createAuditTrail(log: AuditLog, logger: Logger): RecordEvent {
  return (event, userId, sessionId, details = {}) => {
    try {
      log.record({ event, userId, sessionId, details });
    } catch (error) {
      logger.error('could not write the audit log', { event, error: describeError(error) });
    }
  };
}

/**
 * Runs a change and records its event in one transaction: they commit together or not at all.
 * Unlike {@link RecordEvent} it throws (with the change undone) when the log cannot be written.
 */
export type RecordWith = <T>(eventOf: (result: T) => AuditEvent | null, work: () => T) => T;
