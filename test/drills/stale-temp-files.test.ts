/**
 * Found by the crash drill: a process killed between creating and renaming an atomic write's
 * temporary file leaves it behind (a copy of session.enc, the anchor, …), one per kill. The
 * runtime removes such files at start, but only those whose writer process is gone.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TestProfile } from '../helpers/runtime';

describe('drill: temp files left by a killed writer', () => {
  it('are removed at start when their writer is gone, kept while it lives, and nothing else is touched', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const alive = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], {
      stdio: 'ignore',
    });
    try {
      const profile = new TestProfile();
      const names = {
        deadSession: `.session.enc.${dead}.0123456789ab.tmp`,
        deadAnchor: `.audit-anchor.json.${dead}.0123456789ab.tmp`,
        deadKey: `.audit-key.enc.${dead}.0123456789ab.tmp`,
        livingAnchor: `.audit-anchor.json.${alive.pid}.0123456789ab.tmp`,
        foreign: `.notes.txt.${dead}.0123456789ab.tmp`,
        lookalike: `.session.enc.${dead}.not-hex.tmp`,
      };
      for (const name of Object.values(names)) fs.writeFileSync(path.join(profile.dir, name), 'x');
      const runtime = await profile.start();
      await runtime.close();
      const left = fs
        .readdirSync(profile.dir)
        .filter((name) => name.endsWith('.tmp'))
        .sort();
      expect(left).toEqual([names.livingAnchor, names.foreign, names.lookalike].sort());
      expect(profile.logger.lines).toContainEqual({
        level: 'info',
        message: 'removed temp files left by an interrupted write',
        fields: { count: 3 },
      });
      console.log(
        'stale temp files: 6 planted; the 3 of a dead writer removed at start, the one of a live writer and 2 that are not ours kept',
      );
    } finally {
      alive.kill('SIGKILL');
    }
  });
});
