/**
 * Whatever sits at session.enc, the app starts: signed out with a reason, the thing set aside or
 * removed without ever being read through, and the next start clean.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_FILES } from '../../../src/core/persistence/data-files';
import { PASSWORD, TestProfile } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';

const sessionEnc = (profile: TestProfile): string => path.join(profile.dir, DATA_FILES.session);

async function startsSignedOut(profile: TestProfile): Promise<void> {
  const runtime = await profile.start();
  expect(runtime.getState()).toMatchObject({ authenticated: false, reason: 'restore-failed' });
  await runtime.close();
  // The next start is clean: nothing is left at the path.
  const again = await profile.start();
  expect(again.getState()).toMatchObject({ authenticated: false, reason: 'not-signed-in' });
  expect(fs.existsSync(sessionEnc(profile))).toBe(false);
}

describe.skipIf(process.platform === 'win32')('restore with something odd at session.enc', () => {
  it('a directory (with files in it) is moved aside untouched', async () => {
    const profile = new TestProfile();
    fs.mkdirSync(sessionEnc(profile));
    fs.writeFileSync(path.join(sessionEnc(profile), 'keep-me.txt'), 'user data');
    await startsSignedOut(profile);
    const aside = fs.readdirSync(profile.dir).filter((n) => n.startsWith('session.enc.unusable-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(profile.dir, aside[0]!, 'keep-me.txt'), 'utf8')).toBe(
      'user data',
    );
  });

  it('a symlink is removed, never followed: what it points at is left as it was', async () => {
    const profile = new TestProfile();
    const target = path.join(tempDir(), 'elsewhere');
    fs.writeFileSync(target, 'not a session file');
    fs.symlinkSync(target, sessionEnc(profile));
    await startsSignedOut(profile);
    expect(fs.readFileSync(target, 'utf8')).toBe('not a session file');
  });

  it('a dangling symlink is removed', async () => {
    const profile = new TestProfile();
    fs.symlinkSync(path.join(tempDir(), 'nothing-here'), sessionEnc(profile));
    await startsSignedOut(profile);
  });

  it('a FIFO does not hang the start; it is moved aside', async () => {
    const profile = new TestProfile();
    execFileSync('mkfifo', [sessionEnc(profile)]);
    await startsSignedOut(profile);
  });

  it('a corrupt file ends the session row its header names', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    const signedIn = await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    if (!signedIn.ok || !signedIn.value.authenticated) throw new Error('not signed in');
    const sessionId = signedIn.value.session.id;
    await runtime.close();
    const [header] = fs.readFileSync(sessionEnc(profile), 'utf8').split('\n');
    fs.writeFileSync(sessionEnc(profile), `${header}\nnot base64 at all!\n`);

    const restarted = await profile.start();
    expect(restarted.getState()).toMatchObject({ authenticated: false, reason: 'restore-failed' });
    expect(restarted.sessions.getSessionMetadata(sessionId)).toBeNull();
  });
});
