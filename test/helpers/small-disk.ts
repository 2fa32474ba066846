import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A real, tiny file system (tmpfs) for the disk-trouble drill: it fills up for real (ENOSPC,
 * SQLITE_FULL) and goes read-only for real (EROFS), which no permission bit can do to root.
 * Needs root with mount rights (CI runs as root in a VM); {@link SmallDisk.create} returns null
 * where mounting is impossible, and the drill injects the failures instead.
 */
export class SmallDisk {
  private filler = 0;
  private constructor(readonly mountPoint: string) {}

  /** Mounts a tmpfs of `megabytes`; null when this machine does not allow it. */
  static create(megabytes: number): SmallDisk | null {
    if (process.platform !== 'linux' || process.getuid?.() !== 0) return null;
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'jc-disk-'));
    try {
      execFileSync(
        'mount',
        ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'tmpfs', mountPoint],
        {
          stdio: 'ignore',
        },
      );
      return new SmallDisk(mountPoint);
    } catch {
      fs.rmdirSync(mountPoint);
      return null;
    }
  }

  /** A directory on the small disk. */
  dir(name: string): string {
    const dir = path.join(this.mountPoint, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Fills every free byte with filler files; returns how many bytes that took. */
  fill(): number {
    let written = 0;
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
      const file = path.join(this.mountPoint, `filler-${this.filler++}`);
      const fd = fs.openSync(file, 'w');
      const chunk = Buffer.alloc(size, 0x5a);
      try {
        for (;;) written += fs.writeSync(fd, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      } finally {
        fs.closeSync(fd);
      }
    }
    return written;
  }

  /** Deletes the filler files. */
  free(): void {
    for (const name of fs.readdirSync(this.mountPoint))
      if (name.startsWith('filler-')) fs.rmSync(path.join(this.mountPoint, name));
  }

  /** Remounts read-only (every file on it must be closed for writing first). */
  readOnly(): void {
    execFileSync('mount', ['-o', 'remount,ro', this.mountPoint], { stdio: 'ignore' });
  }

  readWrite(): void {
    execFileSync('mount', ['-o', 'remount,rw', this.mountPoint], { stdio: 'ignore' });
  }

  /** Unmounts and removes the mount point. */
  dispose(): void {
    try {
      execFileSync('umount', [this.mountPoint], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', this.mountPoint], { stdio: 'ignore' });
    }
    fs.rmdirSync(this.mountPoint);
  }
}
