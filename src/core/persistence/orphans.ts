import fs from 'node:fs';
import path from 'node:path';

/**
 * Removes the entries of `dir` left behind by processes that are gone (killed mid-write): for
 * each entry, `ownerPid` names the process that made it, or null for an entry that is not such a
 * leftover. An entry of this process or of a live one stays (another instance may be mid-write).
 * Returns how many were removed; never throws (what cannot be removed now is tried next time).
 */
export function removeOrphans(dir: string, ownerPid: (entry: string) => number | null): number {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const pid = ownerPid(entry);
    if (pid === null || pid === process.pid || processAlive(pid)) continue;
    try {
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
      removed += 1;
    } catch {
      // Best effort: a read-only directory keeps it.
    }
  }
  return removed;
}

/** True when process `pid` exists (whoever it belongs to). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
