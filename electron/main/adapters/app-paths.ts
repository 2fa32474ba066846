/**
 * Where the app's files are, in development (`electron .` from the project) and packaged
 * (`app.asar`, with `migrations/` beside it in `resources/`).
 */
import path from 'node:path';

/** The parts of Electron's `app` used here. */
export interface AppPathsSource {
  readonly isPackaged: boolean;
  getPath(name: 'userData'): string;
  /** The project folder in development, `…/resources/app.asar` when packaged. */
  getAppPath(): string;
}

/** Every path the main process needs. */
export interface AppPaths {
  /** The profile: `sessions.db`, `session.enc`, the audit anchor, `secret-storage.json`. */
  userData: string;
  /** The numbered SQL files. */
  migrationsDir: string;
  /** The bundled preload script. */
  preload: string;
  /** `index.html` and its assets, served over `app://`. */
  rendererDir: string;
}

/**
 * Resolves the app's paths. `resourcesPath` is `process.resourcesPath` (an Electron-only
 * property, hence a parameter); it is read only when packaged, where migrations are an
 * extra resource outside the archive.
 */
export function resolveAppPaths(app: AppPathsSource, resourcesPath: string | undefined): AppPaths {
  const appPath = app.getAppPath();
  let migrationsDir = path.join(appPath, 'migrations');
  if (app.isPackaged) {
    if (!resourcesPath) throw new Error('process.resourcesPath is not set in a packaged app');
    migrationsDir = path.join(resourcesPath, 'migrations');
  }
  return {
    userData: app.getPath('userData'),
    migrationsDir,
    preload: path.join(appPath, 'dist', 'preload', 'index.cjs'),
    rendererDir: path.join(appPath, 'dist', 'renderer'),
  };
}
