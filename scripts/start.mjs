// `npm start` and `npm run preview`. `npm start` launches the app in Electron where Electron's
// binary exists; Electron downloads it from outside the npm registry on first use, so where it
// cannot be had, one short notice says so and the browser preview starts instead (the same core
// and renderer, hosted under Node): one command always runs the app. `npm run preview` (this
// script with --preview) goes straight to the browser preview. Arguments after `--` go to the
// preview host (`npm run preview -- --help`).
//
// Only bundling happens here (esbuild, well under a second): type-checking belongs to `npm test`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureNode24 } from './node24.mjs';

ensureNode24();

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const previewOnly = args[0] === '--preview';
const hostArgs = previewOnly ? args.slice(1) : args;

/** The Electron executable, or null. Resolved in a child so that its download noise stays hidden. */
function findElectron() {
  const result = spawnSync(
    process.execPath,
    ['-e', "process.stdout.write(String(require('electron')))"],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (result.status !== 0) return null;
  // The electron package may print progress before the path: the path is the last line.
  const executable = result.stdout.trim().split('\n').pop()?.trim() ?? '';
  return executable && fs.existsSync(executable) ? executable : null;
}

function bundle() {
  // The app's bundles only: the package's library (and its tsc pass) is not needed to run it.
  const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--app'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (built.status !== 0) {
    console.error('npm start: the build failed (see above).');
    process.exit(built.status ?? 1);
  }
}

/** Runs a child in the foreground: signals are passed on, its exit status becomes ours. */
function foreground(command, childArgs, env = process.env) {
  const child = spawn(command, childArgs, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`npm start: could not launch ${path.basename(command)} (${error.message}).`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
}

const electron = previewOnly ? null : findElectron();
bundle();
if (electron) {
  // ELECTRON_RUN_AS_NODE in the environment would start a bare Node instead of the app.
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  foreground(electron, ['.'], env);
} else {
  if (!previewOnly) {
    console.error(
      'npm start: no Electron binary on this machine (Electron downloads it from outside the npm ' +
        'registry, which is not reachable here), so the app opens in the browser preview instead. ' +
        'Set ELECTRON_OVERRIDE_DIST_PATH to an unpacked Electron to run the desktop shell.',
    );
  }
  foreground(process.execPath, [path.join(root, 'dist', 'preview', 'server.cjs'), ...hostArgs]);
}
