// `npm run build`: the app's bundles into dist/ (the Electron main process and preload, the
// renderer, the preview host and its page's bridge) and the package's library into dist/lib
// (JavaScript and .d.ts). `--app` builds only the bundles (npm start: well under a second);
// `--library` only the library (npm pack runs it as prepack).
import fs from 'node:fs';
import { build } from 'esbuild';
import { buildLibrary } from './build-library.mjs';
import { bundleDefaults, bundleTargets } from './bundle-targets.mjs';

const args = new Set(process.argv.slice(2));
const app = !args.has('--library');
const library = !args.has('--app');

if (app) {
  for (const target of bundleTargets) {
    if (!fs.existsSync(target.entryPoints[0])) continue;
    await build({ ...bundleDefaults, sourcemap: true, ...target });
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
}

if (library) await buildLibrary();
