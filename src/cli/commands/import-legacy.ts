import path from 'node:path';
import { importLegacySnapshot } from '../../core/legacy/legacy-import';
import { readLegacySource } from '../../core/legacy/legacy-source';
import {
  LegacySourceError,
  type LegacyProgress,
  type LegacySnapshot,
} from '../../core/legacy/legacy-types';
import { DATA_FILES } from '../../core/persistence/data-files';
import { EXIT } from '../cli-args';
import { requireDataDir } from '../cli-database';
import { auditOf, CLI_ACTOR, type CliContext } from '../cli-context';
import type { ImportTarget } from '../import-target';
import { legacyJson, legacySummary } from '../legacy-summary';
import { writeJson, type CliIo } from '../output';

/** Imports this large say how far they have got, on stderr. */
const LARGE = 1000;

/** What `import-legacy` works with: the database is opened (or created) once the source is read. */
export interface ImportContext extends Omit<CliContext, 'db'> {
  openTarget(): ImportTarget;
}

/**
 * `import-legacy --from <file> [--dry-run]`: imports the accounts of an earlier Justice Companion
 * database (see `importLegacyDatabase`), audited. The source is read first, so that a refused one
 * leaves nothing behind, not even a new database. Exit 0 when it ran (a second run of the same
 * content imports nothing and says so), 1 when the file is not an earlier Justice Companion
 * database, 3 when it cannot be read now.
 */
export async function importLegacy(c: ImportContext): Promise<number> {
  requireDataDir(c.dataDir, ' Nothing was created.');
  let snapshot: LegacySnapshot;
  try {
    snapshot = await readLegacySource(path.resolve(c.args.from!), c.clock.now(), c.dataDir);
  } catch (error) {
    if (!(error instanceof LegacySourceError)) throw error;
    const refused = error.problem === 'not-sqlite' || error.problem === 'unrecognised';
    if (c.args.json) writeJson(c.io, { ok: false, problem: error.problem, error: error.message });
    c.io.stderr.write(`${error.message}\n`);
    return refused ? EXIT.negative : EXIT.environment;
  }
  reportProgress(c.io, {
    stage: 'read',
    accounts: snapshot.users.length,
    sessions: snapshot.sessions.total,
  });
  const target = c.openTarget();
  const audit = c.args.dryRun ? null : await auditOf({ ...c, db: target.db });
  const report = importLegacySnapshot(snapshot, {
    db: target.db,
    clock: c.clock,
    by: CLI_ACTOR,
    dryRun: c.args.dryRun,
    recordAllWith: audit ? (eventsOf, work) => audit.recordAllWith(eventsOf, work) : undefined,
    onProgress: (progress) => reportProgress(c.io, progress),
  });
  const note = {
    file: path.join(c.dataDir, DATA_FILES.database),
    created: target.created,
    wouldCreate: target.wouldCreate,
  };
  if (c.args.json) writeJson(c.io, legacyJson(report, note));
  else c.io.stdout.write(legacySummary(report, note));
  return EXIT.ok;
}

function reportProgress(io: CliIo, progress: LegacyProgress): void {
  const count = (n: number): string => n.toLocaleString('en-US');
  if (progress.stage === 'read' && progress.accounts >= LARGE) {
    io.stderr.write(
      `import-legacy: read ${count(progress.accounts)} accounts and ${count(progress.sessions)} earlier sessions\n`,
    );
  } else if (progress.stage === 'write') {
    io.stderr.write(
      `import-legacy: ${count(progress.done)} of ${count(progress.total)} accounts written\n`,
    );
  }
}
