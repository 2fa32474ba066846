import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file every migrations folder has: how a candidate folder is recognised. */
const FIRST_MIGRATION = '0001_users.sql';

/**
 * The `migrations/` folder this code ships with: the nearest one above this module, so it is found
 * from the sources (tests), from a bundle in `dist/`, from the installed package in another
 * project's `node_modules`, and from a packaged app (`resources/app.asar/dist/main` finds
 * `resources/migrations`), whatever the working directory. An explicit folder always wins.
 */
export function resolveMigrationsDir(explicit?: string): string {
  if (explicit) return explicit;
  let dir = moduleDir();
  for (;;) {
    const candidate = path.join(dir, 'migrations');
    if (fs.existsSync(path.join(candidate, FIRST_MIGRATION))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(
    'The migrations folder was not found beside the session module; pass migrationsDir explicitly.',
  );
}

/**
 * This module's folder: `__dirname` where there is one (CommonJS: the package's build and the
 * app's bundles), else from `import.meta.url` (ES modules: the sources under vitest and tsx).
 */
function moduleDir(): string {
  return typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
}
