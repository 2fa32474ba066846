import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp-dir';
import { ROOT } from '../../helpers/paths';

const URL_LINE = /^Preview: http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/;

/**
 * Runs scripts/start.mjs as `npm start` / `npm run preview` do, until the preview host prints its
 * URL line, then stops it as Ctrl+C would. Resolves with what it printed and how it exited.
 */
function startUntilUrl(
  args: string[],
): Promise<{ stdout: string[]; stderr: string; code: number | null }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // An empty folder where Electron's binary would be: no Electron on this machine either way.
    ELECTRON_OVERRIDE_DIST_PATH: tempDir('jc-no-electron-'),
  };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(
    process.execPath,
    [path.join(ROOT, 'scripts', 'start.mjs'), ...args, '--data-dir', tempDir('jc-start-data-')],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const stdout: string[] = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    stdout.push(line);
    if (URL_LINE.test(line)) child.kill('SIGINT');
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ stdout, stderr, code })));
}

describe('npm start without an Electron binary', () => {
  it('says why in one notice, then starts the browser preview and prints its URL on its own line', async () => {
    const { stdout, stderr, code } = await startUntilUrl([]);
    expect(stdout).toHaveLength(1);
    expect(stdout[0]).toMatch(URL_LINE);
    expect(stderr.match(/npm start:/g)).toHaveLength(1);
    expect(stderr).toContain('no Electron binary');
    expect(stderr).toContain('browser preview');
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(code).toBe(0);
  });

  it('npm run preview goes straight to the preview, without the notice', async () => {
    const { stdout, stderr, code } = await startUntilUrl(['--preview']);
    expect(stdout).toHaveLength(1);
    expect(stdout[0]).toMatch(URL_LINE);
    expect(stderr).not.toContain('npm start:');
    expect(code).toBe(0);
  });
});
