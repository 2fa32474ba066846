/** Where things are, for tests and their helpers, whatever folder a test lives in. */
import path from 'node:path';

/** The repository root. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** The numbered SQL migrations the app ships. */
export const MIGRATIONS_DIR = path.join(ROOT, 'migrations');
