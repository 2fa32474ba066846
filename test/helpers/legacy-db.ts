/** Earlier databases for tests, in temp dirs removed after each test (see `legacy-db-builder`). */
import path from 'node:path';
import { buildLegacyDb, type LegacyDbSpec } from './legacy-db-builder';
import { tempDir } from './temp-dir';

export * from './legacy-db-builder';

/** An earlier database in a fresh temp dir, named as the earlier app named it. */
export function legacyDb(spec: LegacyDbSpec): string {
  return buildLegacyDb(path.join(tempDir('jc-legacy-src-'), 'justice.db'), spec);
}
