import type { LegacyImportReport } from './legacy-types';

/** How many of each kind an import report holds: one shape for its audit event, log line and CLI JSON. */
export interface LegacyImportCounts {
  imported: number;
  alreadyPresent: number;
  conflicts: number;
  malformed: number;
  grandfathered: number;
  oldSessionsEnded: number;
  oldSessionsLive: number;
}

/** The counts of `report`. */
export function legacyImportCounts(report: LegacyImportReport): LegacyImportCounts {
  return {
    imported: report.imported.length,
    alreadyPresent: report.alreadyPresent.length,
    conflicts: report.conflicts.length,
    malformed: report.malformed.length,
    grandfathered: report.grandfathered,
    oldSessionsEnded: report.oldSessions.total,
    oldSessionsLive: report.oldSessions.live,
  };
}
