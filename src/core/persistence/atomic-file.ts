import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { removeOrphans } from './orphans';

/** Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /**
   * fsync the data before the rename and the directory after it (default true). Without it the
   * replacement is still atomic for an application crash (the rename is, and the OS holds the
   * data), but a power cut may lose it: right for files whose durability is tied to a database
   * that itself commits with `synchronous=NORMAL`.
   */
  durable?: boolean;
}

/**
 * Replaces `file` with `data` so that a crash leaves either the old or the new content, never a
 * torn file: write a temporary file beside it (created with `mode`, 0600 by default), fsync,
 * rename over the target, then fsync the directory where the platform allows it.
 */
export function writeFileAtomic(
  file: string,
  data: string | Buffer,
  mode = 0o600,
  options: AtomicWriteOptions = {},
): void {
  const durable = options.durable ?? true;
  const dir = path.dirname(file);
  const temp = tempName(file);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', mode);
    fs.writeFileSync(fd, data);
    if (durable) fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  if (durable) fsyncDirectory(dir);
}

/**
 * {@link writeFileAtomic} with every step (and both fsyncs) on libuv's thread pool, so that the
 * main thread's event loop keeps turning while the disk syncs.
 */
export async function writeFileAtomicAsync(
  file: string,
  data: string | Buffer,
  mode = 0o600,
): Promise<void> {
  const temp = tempName(file);
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(temp, 'wx', mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.promises.rename(temp, file);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.promises.rm(temp, { force: true }).catch(() => {});
    throw error;
  }
  let dirHandle: fs.promises.FileHandle | undefined;
  try {
    // Makes the rename durable on POSIX; Windows cannot open a directory, and that is fine.
    dirHandle = await fs.promises.open(path.dirname(file), 'r');
    await dirHandle.sync();
  } catch {
    // best effort
  } finally {
    await dirHandle?.close().catch(() => {});
  }
}

function tempName(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );
}

const TEMP_FILE = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * Deletes the temporary files that {@link writeFileAtomic} leaves behind when its process is
 * killed between creating and renaming them (they hold a copy of what was being written, e.g.
 * an encrypted session). Only files of `names` whose writer process is gone are removed: another
 * running instance may be mid-write. Returns how many were removed; never throws.
 */
export function removeStaleTempFiles(dir: string, names: readonly string[]): number {
  return removeOrphans(dir, (entry) => {
    const match = TEMP_FILE.exec(entry);
    return match && names.includes(match[1]!) ? Number(match[2]) : null;
  });
}

function fsyncDirectory(dir: string): void {
  // Makes the rename durable on POSIX; Windows cannot open a directory, and that is fine.
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
