import type { Db } from '../db/open-database';

/** Who the audit log names for a change made with the maintenance CLI (an administrator). */
export const MAINTENANCE_CLI_ACTOR = 'maintenance-cli';

/** How big the audit log is and how recent its newest row: for maintenance reports. */
export interface AuditSummary {
  rows: number;
  lastSeq: number | null;
  /** ms since the epoch, UTC. */
  lastAt: number | null;
}

/** Counts the audit log's rows and names its newest one, without reading the chain. */
export function auditSummary(db: Db): AuditSummary {
  const row = db
    .prepare('SELECT count(*) AS rows, max(seq) AS lastSeq, max(at) AS lastAt FROM audit_log')
    .get() as AuditSummary;
  return { rows: row.rows, lastSeq: row.lastSeq, lastAt: row.lastAt };
}

/**
 * Who last revoked session `sessionId` (of account `userId`, begun at `since`) according to the
 * log: the `by` of its newest `session-revoked` row, or of a `sessions-revoked` row for the whole
 * account since the session began; null when the log records no revocation. Only for telling
 * the user in their terms why they were signed out: nothing is decided on it.
 */
export function lastRevocationActor(
  db: Db,
  sessionId: string,
  userId: number,
  since: number,
): string | null {
  const details = db
    .prepare<{ sessionId: string; userId: number; since: number }, string>(
      `SELECT details FROM audit_log
       WHERE at >= @since AND ((event = 'session-revoked' AND session_id = @sessionId)
          OR (event = 'sessions-revoked' AND user_id = @userId))
       ORDER BY seq DESC LIMIT 1`,
    )
    .pluck()
    .get({ sessionId, userId, since });
  if (details === undefined) return null;
  try {
    const by = (JSON.parse(details) as { by?: unknown }).by;
    return typeof by === 'string' ? by : null;
  } catch {
    return null;
  }
}
