import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

/** Every entry of `dir` with its mode, as `name: 0o…` strings for a readable diff. */
function modes(dir: string): Record<string, string> {
  return Object.fromEntries(
    fs.readdirSync(dir).map((name) => [name, `0o${mode(path.join(dir, name)).toString(8)}`]),
  );
}

describe.skipIf(process.platform === 'win32')('the data directory is private', () => {
  it('a new one: the directory 0700, every file in it 0600, the database -wal and -shm included', async () => {
    const profile = new TestProfile({ dir: path.join(new TestProfile().dir, 'userData') });
    const runtime = await profile.start();
    await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    const files = modes(profile.dir);
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        'sessions.db',
        'sessions.db-wal',
        'sessions.db-shm',
        'session.enc',
        'audit-anchor.json',
        'audit-key.enc',
      ]),
    );
    expect(Object.values(files).every((m) => m === '0o600')).toBe(true);
    expect(mode(profile.dir)).toBe(0o700);
  });

  it('an existing one with loose modes is tightened at startup', async () => {
    const profile = new TestProfile();
    const first = await profile.start();
    await first.invoke('auth:register', { username: 'ada', password: PASSWORD, rememberMe: true });
    await first.close();
    fs.chmodSync(profile.dir, 0o755);
    for (const name of fs.readdirSync(profile.dir))
      fs.chmodSync(path.join(profile.dir, name), 0o644);

    await profile.start();
    expect(mode(profile.dir)).toBe(0o700);
    const loose = Object.entries(modes(profile.dir)).filter(([, m]) => m !== '0o600');
    expect(loose).toEqual([]);
  });

  it('something that is not ours is left alone: a symlink at one of our names is not followed', async () => {
    const profile = new TestProfile();
    const outside = path.join(new TestProfile().dir, 'elsewhere.txt');
    fs.writeFileSync(outside, 'not the app’s', { mode: 0o644 });
    fs.symlinkSync(outside, path.join(profile.dir, 'secret-storage.json'));
    await profile.start();
    expect(mode(outside)).toBe(0o644);
  });
});
