/**
 * `setupSessions` with the Electron fakes: what it composes, in which order (the password-store
 * pin before ready), and its one `close`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { APP_ENTRY_URL } from '../../../electron/main/app-origin';
import { setupSessions } from '../../../electron/main/setup-sessions';
import { writeStoragePin } from '../../../src/core/persistence/storage-pin';
import { defineAppChannels, INVOKE_CHANNELS } from '../../../src/contract/contract';
import { createFakeElectron } from '../../fakes/electron-app';
import { createFakeBrowserWindowClass } from '../../fakes/electron-window';
import { MIGRATIONS_DIR } from '../../helpers/db';
import { PASSWORD, RecordingLogger, TEST_ARGON2 } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';

const CHANNELS = defineAppChannels({ 'notes:list': { request: z.strictObject({}) } });

function setup(userData = tempDir('jc-user-')) {
  const electron = createFakeElectron({ userData, appPath: tempDir('jc-app-'), platform: 'linux' });
  const window = new (createFakeBrowserWindowClass())({});
  window.webContents.mainFrame.url = APP_ENTRY_URL;
  const starting = setupSessions({
    electron,
    platform: 'linux',
    getWindow: () => window,
    logger: new RecordingLogger(),
    appChannels: CHANNELS,
    migrationsDir: MIGRATIONS_DIR,
    config: { argon2: TEST_ARGON2 },
  });
  const fromPage = { sender: window.webContents, senderFrame: window.webContents.mainFrame };
  return { electron, starting, userData, fromPage };
}

describe('setupSessions', () => {
  it('pins the password store at once, before ready, and starts nothing else until ready', async () => {
    const userData = tempDir('jc-user-');
    writeStoragePin(userData, 'kwallet6');
    const { electron, starting } = setup(userData);
    expect(electron.journal).toEqual(['switch:password-store=kwallet6']);
    expect(electron.ipcMain.channels()).toEqual([]);
    electron.app.emitReady();
    const sessions = await starting;
    expect(electron.journal.indexOf('switch:password-store=kwallet6')).toBeLessThan(
      electron.journal.indexOf('ready'),
    );
    await sessions.close();
  });

  it('registers the auth and app channels behind the sender check, on the userData folder', async () => {
    const { electron, starting, userData, fromPage } = setup();
    electron.app.emitReady();
    const sessions = await starting;
    expect(electron.ipcMain.channels().sort()).toEqual([...INVOKE_CHANNELS, 'notes:list'].sort());
    sessions.runtime.protect('notes:list', (ctx) => ({ who: ctx.user.username }));
    await electron.ipcMain.invoke('auth:register', fromPage, {
      username: 'ada',
      password: PASSWORD,
    });
    expect(await electron.ipcMain.invoke('notes:list', fromPage, {})).toEqual({
      ok: true,
      value: { who: 'ada' },
    });
    expect(fs.existsSync(path.join(userData, 'sessions.db'))).toBe(true);
    await sessions.close();
  });

  it('closes once: IPC handlers and power listeners go, then the runtime closes', async () => {
    const { electron, starting } = setup();
    electron.app.emitReady();
    const sessions = await starting;
    let closes = 0;
    const close = sessions.runtime.close.bind(sessions.runtime);
    sessions.runtime.close = async () => {
      closes += 1;
      await close();
    };
    await Promise.all([sessions.close(), sessions.close()]);
    await sessions.close();
    expect(closes).toBe(1);
    expect(electron.ipcMain.channels()).toEqual([]);
    expect(electron.powerMonitor.eventNames()).toEqual([]);
  });

  it('rejects when the runtime cannot start, leaving no IPC handler behind', async () => {
    const electron = createFakeElectron({ userData: tempDir('jc-user-'), appPath: tempDir() });
    const starting = setupSessions({
      electron,
      platform: 'linux',
      getWindow: () => null,
      logger: new RecordingLogger(),
      migrationsDir: path.join(tempDir('jc-empty-'), 'none'),
    });
    electron.app.emitReady();
    await expect(starting).rejects.toThrow(/migrations folder/);
    expect(electron.ipcMain.channels()).toEqual([]);
  });
});
