// `npm start`: bundle the app (scripts/build.mjs) and launch it in Electron. Electron's binary is
// downloaded from outside the npm registry on first use; where it cannot be had, say so in one
// message and point at the alternatives instead of printing a stack trace.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const NO_ELECTRON = [
  'npm start: the Electron binary is not available on this machine (it is downloaded from outside',
  'the npm registry on first use, and that failed or is not allowed here).',
  'Run the same app in a browser with `npm run preview`, or set ELECTRON_OVERRIDE_DIST_PATH to an',
  'unpacked Electron distribution (the folder holding the `electron` executable) and run `npm start` again.',
].join('\n');

/** The Electron executable, or null. Resolved in a child so that its download noise stays hidden. */
function findElectron() {
  const result = spawnSync(
    process.execPath,
    ['-e', "process.stdout.write(String(require('electron')))"],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  if (result.status !== 0) return null;
  // The electron package may print progress before the path: the path is the last line.
  const executable = result.stdout.trim().split('\n').pop()?.trim() ?? '';
  return executable && fs.existsSync(executable) ? executable : null;
}

const electron = findElectron();
if (!electron) {
  console.error(NO_ELECTRON);
  process.exit(1);
}

const built = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) {
  console.error('npm start: the build failed (see above).');
  process.exit(built.status ?? 1);
}

// ELECTRON_RUN_AS_NODE in the environment would start a bare Node instead of the app.
const env = { ...process.env };
delete env.ELECTRON_RUN_AS_NODE;
const child = spawn(electron, ['.'], { cwd: root, stdio: 'inherit', env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('error', (error) => {
  console.error(`npm start: could not launch Electron (${error.message}).\n${NO_ELECTRON}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 0)));
