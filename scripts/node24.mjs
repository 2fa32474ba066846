// Node 24 LTS for the project's own scripts, whatever `node` the machine has. Machines with an
// older system Node (20 reached end of life in April 2026) get Node 24 from the npm registry
// (package `node@24`) in .tools/node24 inside the checkout, once; the system's Node is never
// changed. Two uses:
//
//   import { ensureNode24 } from './node24.mjs'; ensureNode24();   // re-runs this script on 24
//   node scripts/node24.mjs <bin> [args...]                        // a node_modules/.bin tool on 24
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = path.join(ROOT, '.tools', 'node24');
const REQUIRED_MAJOR = 24;

const major = (version) => Number(version.replace(/^v/, '').split('.')[0]);

/** The path of a Node 24 executable: this one, the one in .tools/, or a freshly fetched one. */
export function node24Executable() {
  if (major(process.version) >= REQUIRED_MAJOR) return process.execPath;
  const bin = path.join(TOOLS, 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
  const version = () => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  if (!fs.existsSync(bin) || major(version() || '0') < REQUIRED_MAJOR) {
    process.stderr.write(
      `Node ${process.versions.node} is older than ${REQUIRED_MAJOR}: fetching Node ${REQUIRED_MAJOR} ` +
        'from the npm registry into .tools/node24 (once; the system Node stays as it is)\n',
    );
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(
      npm,
      [
        'install',
        '--global',
        '--prefix',
        TOOLS,
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        `node@${REQUIRED_MAJOR}`,
      ],
      { stdio: ['ignore', 2, 2] },
    );
    if (result.status !== 0 || !fs.existsSync(bin)) {
      process.stderr.write(
        `Could not install node@${REQUIRED_MAJOR} from the npm registry. Install Node ${REQUIRED_MAJOR} LTS ` +
          '(https://nodejs.org) and run the command again.\n',
      );
      process.exit(1);
    }
  }
  return bin;
}

/** An environment whose PATH starts with Node 24's folder, so child `node`s are 24 too. */
export function node24Env(executable = node24Executable(), env = process.env) {
  const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATH') ?? 'PATH';
  return { ...env, [key]: `${path.dirname(executable)}${path.delimiter}${env[key] ?? ''}` };
}

/** On an older Node, runs the calling script again under Node 24 and exits with its status. */
export function ensureNode24() {
  if (major(process.version) >= REQUIRED_MAJOR) return;
  const executable = node24Executable();
  const result = spawnSync(executable, process.argv.slice(1), {
    stdio: 'inherit',
    env: node24Env(executable),
  });
  process.exit(result.status ?? 1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [tool, ...args] = process.argv.slice(2);
  if (!tool) {
    process.stderr.write('usage: node scripts/node24.mjs <node_modules/.bin tool> [args...]\n');
    process.exit(2);
  }
  const executable = node24Executable();
  const bin = path.join(ROOT, 'node_modules', '.bin', tool);
  const result = spawnSync(executable, [fs.realpathSync(bin), ...args], {
    stdio: 'inherit',
    env: node24Env(executable),
  });
  if (result.signal) process.kill(process.pid, result.signal);
  process.exit(result.status ?? 1);
}
