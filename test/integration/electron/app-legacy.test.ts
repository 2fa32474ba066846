/**
 * The shell adopts an earlier install: a `justice.db` left in `userData` by an earlier release is
 * passed to the runtime as `legacyDatabase`, so its accounts sign in at the first start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp } from '../../../electron/main/app';
import { createSessionRuntime, type SessionRuntimeOptions } from '../../../src/core/runtime';
import { createFakeElectron, type FakeElectron } from '../../fakes/electron-app';
import { MIGRATIONS_DIR } from '../../helpers/db';
import { buildLegacyDb, LEGACY_PASSWORD } from '../../helpers/legacy-db';
import { RecordingLogger, TEST_ARGON2 } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';

const started: Array<{ electron: FakeElectron; ready: Promise<boolean> }> = [];

afterEach(async () => {
  for (const { electron, ready } of started.splice(0)) {
    await ready;
    electron.app.quit();
    await electron.app.whenQuit;
  }
});

/** An app folder with the migrations and a renderer page, as `npm run build` leaves it. */
function appFolder(): string {
  const appPath = tempDir('jc-app-');
  fs.cpSync(MIGRATIONS_DIR, path.join(appPath, 'migrations'), { recursive: true });
  fs.mkdirSync(path.join(appPath, 'dist', 'renderer'), { recursive: true });
  fs.writeFileSync(
    path.join(appPath, 'dist', 'renderer', 'index.html'),
    '<!doctype html><title>x</title>',
  );
  return appPath;
}

async function startWith(
  userData: string,
): Promise<{ electron: FakeElectron; options: SessionRuntimeOptions[] }> {
  const electron = createFakeElectron({ userData, appPath: appFolder() });
  const options: SessionRuntimeOptions[] = [];
  const handle = startApp({
    electron,
    logger: new RecordingLogger(),
    platform: 'linux',
    config: { argon2: TEST_ARGON2 },
    createRuntime: (runtimeOptions) => {
      options.push(runtimeOptions as SessionRuntimeOptions);
      return createSessionRuntime(runtimeOptions);
    },
  });
  started.push({ electron, ready: handle.ready });
  electron.app.emitReady();
  await expect(handle.ready).resolves.toBe(true);
  return { electron, options };
}

describe('startApp with an earlier install in userData', () => {
  it('passes userData/justice.db as legacyDatabase: the earlier account signs in', async () => {
    const userData = tempDir('jc-user-');
    buildLegacyDb(path.join(userData, 'justice.db'), { users: [{ username: 'ada' }] });
    const { electron, options } = await startWith(userData);
    expect(options[0]!.legacyDatabase).toBe(path.join(userData, 'justice.db'));
    const window = electron.BrowserWindow.instances[0]!;
    const sender = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
    await expect(
      electron.ipcMain.invoke('auth:login', sender, { username: 'ada', password: LEGACY_PASSWORD }),
    ).resolves.toMatchObject({
      ok: true,
      value: { authenticated: true, user: { username: 'ada' } },
    });
  });

  it('passes no legacyDatabase when there is none', async () => {
    const { options } = await startWith(tempDir('jc-user-'));
    expect(options[0]!.legacyDatabase).toBeUndefined();
  });
});
