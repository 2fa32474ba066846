/**
 * The preload (bundled to one file, dist/preload/index.cjs, that runs under `sandbox: true`,
 * where `require` knows only a few Electron modules). It exposes `window.auth` and never
 * `ipcRenderer` itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { exposeAuthApi } from './auth-api';

exposeAuthApi(contextBridge, ipcRenderer);
