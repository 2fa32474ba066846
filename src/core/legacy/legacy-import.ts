import type { AuditEvent } from '../audit/audit-types';
import type { Db } from '../db/open-database';
import type { Clock } from '../ports';
import { planImport, type ImportPlan } from './legacy-plan';
import { readLegacySource } from './legacy-source';
import { LegacyStore } from './legacy-store';
import { legacyImportCounts } from './legacy-counts';
import type { LegacyImportReport, LegacyProgress, LegacySnapshot } from './legacy-types';

/** Writes a change and its audit events in one transaction (`AuditLog.recordAllWith`). */
export type RecordAllWith = <T>(eventsOf: (result: T) => readonly AuditEvent[], work: () => T) => T;

/** Options of {@link importLegacyDatabase}. */
export interface LegacyImportOptions {
  /** The target: a migrated sessions database. */
  db: Db;
  /** The earlier app's database (`justice.db`). */
  source: string;
  /** Where the private copy of the source is read: the data directory. */
  workDir: string;
  clock: Clock;
  /** Who imports, for the record and the audit log (`app`, `maintenance-cli`). */
  by: string;
  /** Decide and report everything, write nothing (then `recordAllWith` is not needed). */
  dryRun?: boolean;
  /** The audit log's way to write the import and its events together; required unless `dryRun`. */
  recordAllWith?: RecordAllWith;
  onProgress?: (progress: LegacyProgress) => void;
}

/** How many accounts the write step reports progress after, at least. */
const PROGRESS_EVERY = 1000;

/**
 * Imports the accounts of an earlier Justice Companion database. The source is read in one
 * snapshot without being changed (see `readLegacySource`); an unreadable or unrecognised source
 * throws `LegacySourceError` before anything is written. Then, in one write transaction: a source
 * whose content was imported before is reported as such and nothing is written; otherwise every
 * account the plan admits is inserted with its scrypt hash (verified and replaced by argon2id at
 * its first sign-in), the source is recorded in `legacy_imports`, each account's origin in
 * `legacy_accounts`, and the audit log gets a `legacy-import` row with the counts plus one naming
 * each imported account (so every account has its event in the chain). Earlier sessions are only
 * counted: their ids were bearer tokens kept in the clear.
 */
export async function importLegacyDatabase(
  options: LegacyImportOptions,
): Promise<LegacyImportReport> {
  const snapshot = await readLegacySource(options.source, options.clock.now(), options.workDir);
  options.onProgress?.({
    stage: 'read',
    accounts: snapshot.users.length,
    sessions: snapshot.sessions.total,
  });
  return importLegacySnapshot(snapshot, options);
}

/**
 * The write step of {@link importLegacyDatabase}, for a snapshot read already (the CLI reads the
 * source before it creates a database to import into, so a refused source leaves nothing).
 */
export function importLegacySnapshot(
  snapshot: LegacySnapshot,
  options: Omit<LegacyImportOptions, 'source' | 'workDir'>,
): LegacyImportReport {
  const { db, clock } = options;
  const store = new LegacyStore(db);
  if (options.dryRun) return db.transaction(() => decide(store, snapshot, options).report)();
  const recordAllWith = options.recordAllWith;
  if (!recordAllWith) throw new TypeError('importLegacySnapshot: recordAllWith is required');
  return recordAllWith(eventsOf(options.by), () => {
    const { report, plan } = decide(store, snapshot, options);
    if (report.outcome === 'already-imported') return report;
    const now = clock.now();
    const importId = store.recordImport(snapshot, options.by, now, {
      idsKept: report.idsKept,
      ...legacyImportCounts(report),
    });
    const total = plan.insert.length;
    const every = Math.max(PROGRESS_EVERY, Math.ceil(total / 10));
    plan.insert.forEach(({ account, newId }, index) => {
      store.insertAccount(account, newId, importId, now);
      const done = index + 1;
      if (total >= PROGRESS_EVERY && (done % every === 0 || done === total))
        options.onProgress?.({ stage: 'write', done, total });
    });
    return { ...report, importId };
  });
}

/** The plan against the target as it is now, and the report it makes. */
function decide(
  store: LegacyStore,
  snapshot: LegacySnapshot,
  options: Pick<LegacyImportOptions, 'clock' | 'dryRun'>,
): { report: LegacyImportReport; plan: ImportPlan } {
  const source = { path: snapshot.path, bytes: snapshot.bytes, sha256: snapshot.sha256 };
  const previous = store.previousImport(snapshot.sha256);
  const empty: ImportPlan = {
    idsKept: false,
    insert: [],
    alreadyPresent: [],
    conflicts: [],
    malformed: [],
  };
  const plan = previous
    ? empty
    : planImport(snapshot.users, store.targetState(), options.clock.now());
  const report: LegacyImportReport = {
    outcome: previous ? 'already-imported' : 'imported',
    dryRun: options.dryRun === true,
    source,
    previousImport: previous
      ? { id: previous.id, at: previous.at, path: previous.path, imported: previous.imported }
      : null,
    importId: null,
    idsKept: plan.idsKept,
    imported: plan.insert.map(({ account, newId }) => ({
      oldId: account.legacyId,
      newId,
      username: account.username,
      active: account.active,
      createdAt: account.legacyCreatedAt,
      grandfathered: account.grandfathered !== null,
    })),
    alreadyPresent: plan.alreadyPresent,
    conflicts: plan.conflicts,
    malformed: plan.malformed,
    grandfathered: plan.insert.filter(({ account }) => account.grandfathered !== null).length,
    // Counted by the import that ended them: a repeat ends nothing.
    oldSessions: previous ? { total: 0, live: 0 } : snapshot.sessions,
  };
  return { report, plan };
}

/** The audit rows of an import: the counts, then one naming each account it brought in. */
function eventsOf(by: string): (report: LegacyImportReport) => AuditEvent[] {
  return (report) => {
    if (report.outcome === 'already-imported' || report.importId === null) return [];
    const importId = report.importId;
    const summary: AuditEvent = {
      event: 'legacy-import',
      details: {
        importId,
        by,
        source: report.source.path,
        bytes: report.source.bytes,
        sha256: report.source.sha256,
        idsKept: report.idsKept,
        ...legacyImportCounts(report),
      },
    };
    return [
      summary,
      ...report.imported.map((account): AuditEvent => ({
        event: 'legacy-import',
        userId: account.newId,
        details: { importId, legacyId: account.oldId },
      })),
    ];
  };
}
