import fs from 'node:fs';
import path from 'node:path';
import type { AuditLog } from '../audit/audit-log';
import type { Db } from '../db/open-database';
import { describeError } from '../errors/describe-error';
import { legacyImportCounts } from '../legacy/legacy-counts';
import { importLegacyDatabase } from '../legacy/legacy-import';
import { removeStaleCopies } from '../legacy/legacy-source';
import { LegacyStore } from '../legacy/legacy-store';
import { LegacySourceError } from '../legacy/legacy-types';
import type { Clock, Logger } from '../ports';

/** Who the record and the audit log name for an import the app made at startup. */
const APP_IMPORTER = 'app';

/** What {@link importLegacyAtStartup} works with. */
export interface LegacyStartupDeps {
  db: Db;
  auditLog: AuditLog;
  clock: Clock;
  logger: Logger;
  /** The earlier app's database (the runtime option `legacyDatabase`). */
  file: string;
  /** The data directory (the import reads a private copy of the source there). */
  dataDir: string;
}

/**
 * The runtime option `legacyDatabase`: imports the earlier database before the session is
 * restored, once: only into a profile that has no account yet (the upgrade: the first start of
 * this version). A profile in use never takes accounts from a file someone may have put in its
 * folder since, with events keyed as the app's own; importing into it is the maintenance CLI's
 * job, whose rows the audit log flags. A file already met unchanged (same path, size and
 * modification time) is not read again, so later starts cost a `stat` and a count. Never throws:
 * a source that is unreadable or unrecognised is logged and audited (`legacy-import-failed`) and
 * the app starts as it would without it. A refused source is recorded, so that the unchanged file
 * is not tried (nor audited) at every start; one that may import later (busy, unreadable now) is
 * not.
 */
export async function importLegacyAtStartup(deps: LegacyStartupDeps): Promise<void> {
  const { db, auditLog, clock, logger } = deps;
  const file = path.resolve(deps.file);
  // A copy a killed import left behind goes, even when this start does not import.
  removeStaleCopies(deps.dataDir);
  const failed = (details: Record<string, string | boolean>, work: () => unknown = () => 0) => {
    try {
      auditLog.recordWith(
        () => ({ event: 'legacy-import-failed', details: { source: file, ...details } }),
        work,
      );
    } catch (error) {
      logger.error('could not write the audit log', {
        event: 'legacy-import-failed',
        error: describeError(error),
      });
    }
  };
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      logger.info('no earlier Justice Companion database to import', { source: file });
      return;
    }
    logger.warn('the earlier database could not be read; not imported', {
      source: file,
      error: describeError(error),
    });
    return failed({ problem: 'unreadable', transient: true, message: describeError(error) });
  }
  const store = new LegacyStore(db);
  const seen = store.seen({ path: file, bytes: stat.size, mtimeMs: stat.mtimeMs });
  if (db.prepare('SELECT 1 FROM users LIMIT 1').get() !== undefined) {
    const level = seen ? 'debug' : 'info';
    logger[level]('the profile has accounts: the earlier database is not imported at startup', {
      source: file,
      action: 'to import it into this profile, run `import-legacy` of the maintenance CLI',
    });
    return;
  }
  if (seen) {
    logger.debug('the earlier database was met before, unchanged; not read again', {
      source: file,
      outcome: seen.outcome,
      at: new Date(seen.at).toISOString(),
    });
    return;
  }
  try {
    const report = await importLegacyDatabase({
      db,
      source: file,
      workDir: deps.dataDir,
      clock,
      by: APP_IMPORTER,
      recordAllWith: (eventsOf, work) => auditLog.recordAllWith(eventsOf, work),
    });
    if (report.outcome === 'already-imported') {
      logger.info('the earlier database was imported before (the same content); nothing imported', {
        source: file,
        previousImport: report.previousImport?.id,
      });
      return;
    }
    logger.info('imported the accounts of an earlier Justice Companion', {
      source: file,
      ...legacyImportCounts(report),
      idsKept: report.idsKept,
    });
    if (report.conflicts.length > 0 || report.malformed.length > 0) {
      logger.warn('some earlier accounts were not imported', {
        conflicts: report.conflicts.map((c) => c.oldId),
        malformed: report.malformed.map((m) => m.oldId),
        action: 'run `import-legacy --dry-run` of the maintenance CLI for the names and reasons',
      });
    }
  } catch (error) {
    if (error instanceof LegacySourceError && !error.transient && error.problem !== 'missing') {
      logger.warn('the earlier database was not imported', {
        source: file,
        problem: error.problem,
        reason: error.message,
      });
      return failed({ problem: error.problem, transient: false, message: error.message }, () =>
        store.recordRefusal(
          { path: file, bytes: stat.size, mtimeMs: stat.mtimeMs },
          APP_IMPORTER,
          clock.now(),
          error.message,
        ),
      );
    }
    const problem = error instanceof LegacySourceError ? error.problem : 'error';
    logger.warn('the earlier database could not be imported now; the next start tries again', {
      source: file,
      problem,
      error: describeError(error),
    });
    failed({ problem, transient: true, message: describeError(error) });
  }
}
