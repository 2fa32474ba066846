// The package's library build (`@justice-companion/sessions`): every module its entry points
// reach, transpiled one file each to CommonJS under dist/lib/ (the source tree kept, so each
// module, and each class such as ChannelError, exists exactly once however a host imports it),
// plus a .d.ts for each from tsc (tsconfig.lib.json). dist/lib/package.json says "commonjs", so
// Node and TypeScript read those files as CommonJS inside this "type": "module" package; ES
// module hosts import them by name (esbuild annotates the export names for Node's CJS lexer).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

/** Subpath export → entry module. package.json "exports" points at their dist/lib twins. */
export const LIBRARY_ENTRIES = {
  './core': 'src/core/index.ts',
  './contract': 'src/contract/index.ts',
  './main': 'electron/main/exports.ts',
  './preload': 'electron/preload/exports.ts',
};

const OUT = 'dist/lib';

/** The project's own modules the entries import, directly or not (dependencies stay external). */
async function reachableModules() {
  const probe = await build({
    entryPoints: Object.values(LIBRARY_ENTRIES),
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    outdir: OUT,
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(probe.metafile.inputs).filter((file) => /^(src|electron)\/.*\.ts$/.test(file));
}

/** Builds dist/lib: JavaScript, then declarations. Throws when either fails. */
export async function buildLibrary() {
  fs.rmSync(OUT, { recursive: true, force: true });
  const modules = await reachableModules();
  if (modules.some((file) => /(^|\/)electron\/(main|preload)\/index\.ts$/.test(file)))
    throw new Error('the library reaches an Electron entry point (which imports electron)');
  await build({
    entryPoints: modules,
    outdir: OUT,
    outbase: '.',
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    // migrations-dir.ts reads __dirname under CommonJS; its ES-module fallback never runs here.
    define: { 'import.meta.url': 'undefined' },
    logLevel: 'warning',
  });
  fs.writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
  const tsc = spawnSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.lib.json'],
    { stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('tsc could not emit the declarations (see above)');
  for (const [subpath, entry] of Object.entries(LIBRARY_ENTRIES)) {
    const js = path.join(OUT, entry.replace(/\.ts$/, '.js'));
    const dts = path.join(OUT, entry.replace(/\.ts$/, '.d.ts'));
    if (!fs.existsSync(js) || !fs.existsSync(dts))
      throw new Error(`${subpath}: ${js} or ${dts} missing`);
  }
  console.log(`built ${OUT} (${modules.length} modules, JavaScript and declarations)`);
}
