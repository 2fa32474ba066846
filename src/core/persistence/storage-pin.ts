import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from './atomic-file';
import { DATA_FILES } from './data-files';

/**
 * Remembers the backend that wrote our secrets, in clear (it is not secret). The runtime uses it
 * to notice a backend change; the Electron shell reads it before `ready` to pass
 * `--password-store=<backend>` on Linux, so a desktop change does not silently fall back to
 * `basic_text`.
 */
export function readStoragePin(dataDir: string): string | null {
  try {
    const parsed = JSON.parse(
      fs.readFileSync(path.join(dataDir, DATA_FILES.storagePin), 'utf8'),
    ) as unknown;
    const backend = (parsed as { backend?: unknown } | null)?.backend;
    return typeof backend === 'string' && /^[a-z0-9_-]{1,64}$/i.test(backend) ? backend : null;
  } catch {
    return null;
  }
}

/** Records `backend` as the one that wrote our secrets. */
export function writeStoragePin(dataDir: string, backend: string): void {
  if (readStoragePin(dataDir) === backend) return;
  writeFileAtomic(path.join(dataDir, DATA_FILES.storagePin), `${JSON.stringify({ backend })}\n`);
}
