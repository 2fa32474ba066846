// The app's bundles, one esbuild configuration each: the Electron main process and preload
// (CommonJS, electron and native modules external), the renderer (browser ESM), the preview host
// and the preview page's bridge. scripts/build.mjs builds them; tests that need one bundle build
// the same configuration.

const native = [
  'electron',
  'better-sqlite3',
  '@node-rs/argon2',
  'electron-log',
  'electron-log/main',
];

// CommonJS bundles have no import.meta; the one reader (the migrations folder) uses __dirname
// where there is one, so its import.meta.url branch never runs in a bundle.
const nodeCjs = {
  platform: 'node',
  format: 'cjs',
  external: native,
  define: { 'import.meta.url': 'undefined' },
};

/** @type {Array<import('esbuild').BuildOptions & { entryPoints: string[], outfile: string }>} */
export const bundleTargets = [
  {
    entryPoints: ['electron/main/index.ts'],
    outfile: 'dist/main/index.cjs',
    ...nodeCjs,
  },
  {
    // Sandboxed preloads cannot require anything but a few Electron modules: one self-contained file.
    entryPoints: ['electron/preload/index.ts'],
    outfile: 'dist/preload/index.cjs',
    platform: 'node',
    format: 'cjs',
    external: ['electron'],
  },
  {
    entryPoints: ['src/renderer/main.ts'],
    outfile: 'dist/renderer/main.js',
    platform: 'browser',
    format: 'esm',
    target: 'chrome120',
  },
  {
    entryPoints: ['src/preview/server.ts'],
    outfile: 'dist/preview/server.cjs',
    ...nodeCjs,
  },
  {
    // window.auth and window.app for the preview page: the preload's API over HTTP.
    entryPoints: ['src/preview/browser/preview-bridge.ts'],
    outfile: 'dist/preview/preview-bridge.js',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  },
];

/** The options every bundle shares (a target's own win). */
export const bundleDefaults = { bundle: true, target: 'node24', logLevel: 'warning' };
