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

// CommonJS bundles have no import.meta: the core finds its migrations folder from
// import.meta.url, so Node bundles get it from __filename.
const nodeCjs = {
  platform: 'node',
  format: 'cjs',
  external: native,
  define: { 'import.meta.url': 'importMetaUrl' },
  inject: ['scripts/import-meta-url.mjs'],
};

/** @type {Array<import('esbuild').BuildOptions>} */
const targets = [
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
];

for (const target of targets) {
  if (!fs.existsSync(target.entryPoints[0])) continue;
  await build({ bundle: true, target: 'node24', sourcemap: true, logLevel: 'warning', ...target });
  console.log(`built ${target.outfile}`);
}

fs.mkdirSync('dist/renderer', { recursive: true });
if (fs.existsSync('src/renderer/index.html')) {
  fs.copyFileSync('src/renderer/index.html', 'dist/renderer/index.html');
}
// The renderer's styles live in small files by concern (src/renderer/styles/NN-name.css); the
// page loads one stylesheet, so they are joined in file-name order.
const stylesDir = 'src/renderer/styles';
if (fs.existsSync(stylesDir)) {
  const sheets = fs
    .readdirSync(stylesDir)
    .filter((name) => name.endsWith('.css'))
    .sort();
  const css = sheets.map((name) => fs.readFileSync(`${stylesDir}/${name}`, 'utf8')).join('\n');
  fs.writeFileSync('dist/renderer/styles.css', css);
}
