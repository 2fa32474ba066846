/**
 * The Electron main process entry (bundled to dist/main/index.cjs). The one place in main that
 * imports 'electron'; everything else is in `startApp`, which tests run with fakes.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  powerMonitor,
  protocol,
  safeStorage,
  session,
} from 'electron';
import log from 'electron-log/main';
import { startApp } from './app';
import { setupLogging } from './logging';

const logger = setupLogging(log, { catchErrors: true });

startApp({
  electron: { app, BrowserWindow, dialog, ipcMain, powerMonitor, protocol, safeStorage, session },
  logger,
  platform: process.platform,
  resourcesPath: process.resourcesPath,
});
