/**
 * The preload (bundled to one file, dist/preload/index.cjs, that runs under `sandbox: true`,
 * where `require` knows only a few Electron modules). It exposes `window.auth` and `window.app`
 * (the app's own channels: the profile) and never `ipcRenderer` itself.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ProfileChannels } from '../../src/contract/profile-channels';
import { PROFILE_CHANNEL_NAMES } from '../../src/contract/profile-rules';
import { exposeAppChannels } from './app-api';
import { exposeAuthApi } from './auth-api';

exposeAuthApi(contextBridge, ipcRenderer);
exposeAppChannels<ProfileChannels>(contextBridge, ipcRenderer, PROFILE_CHANNEL_NAMES);
