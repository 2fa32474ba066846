// Bundles what runs outside vitest into dist/: the Electron main process and preload (CommonJS,
// electron and native modules external), the renderer (browser ESM) and the preview host.
import fs from 'node:fs';
import { build } from 'esbuild';

const native = [
  'electron',
  'better-sqlite3',
  '@node-rs/argon2',
  'electron-log',
  'electron-log/main',
];

/** @type {Array<import('esbuild').BuildOptions>} */
const targets = [
  {
    entryPoints: ['electron/main/index.ts'],
    outfile: 'dist/main/index.cjs',
    platform: 'node',
    format: 'cjs',
    external: native,
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
    platform: 'node',
    format: 'cjs',
    external: native,
  },
];

for (const target of targets) {
  if (!fs.existsSync(target.entryPoints[0])) continue;
  await build({ bundle: true, target: 'node24', sourcemap: true, logLevel: 'warning', ...target });
  console.log(`built ${target.outfile}`);
}

for (const file of ['index.html', 'styles.css']) {
  if (fs.existsSync(`src/renderer/${file}`)) {
    fs.mkdirSync('dist/renderer', { recursive: true });
    fs.copyFileSync(`src/renderer/${file}`, `dist/renderer/${file}`);
  }
}
