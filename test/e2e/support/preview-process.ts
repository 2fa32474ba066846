/**
 * Starts the built preview host (`dist/preview/server.cjs`) as its own process, the way a user
 * starts the app, and stops it the way the app quits (SIGTERM: the runtime closes) or crashes
 * (SIGKILL).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

export type SecretStoreMode = 'file' | 'unavailable' | 'basic_text';

/** The one line the host prints on stdout when ready. */
const PREVIEW_URL_LINE = /^Preview: (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([A-Za-z0-9_-]{43})$/;

const SERVER_SCRIPT = path.resolve('dist/preview/server.cjs');

export interface PreviewProcessOptions {
  dataDir: string;
  secretStore?: SecretStoreMode;
  /** `--test-controls` (clock offset endpoint); on by default here. */
  testControls?: boolean;
  /** `--fast-hash` (cheap argon2); on by default here. */
  fastHash?: boolean;
}

export class PreviewProcess {
  /** Everything the host wrote to stderr (its log), for failure reports. */
  readonly log: string[] = [];
  private exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly origin: string,
    readonly port: number,
    readonly token: string,
    exited: Promise<number | null>,
  ) {
    this.exited = exited;
  }

  static async start(options: PreviewProcessOptions): Promise<PreviewProcess> {
    const args = [
      SERVER_SCRIPT,
      '--data-dir',
      options.dataDir,
      '--port',
      '0',
      '--secret-store',
      options.secretStore ?? 'file',
    ];
    if (options.testControls !== false) args.push('--test-controls');
    if (options.fastHash !== false) args.push('--fast-hash');
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env },
    });
    const log: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => log.push(chunk));
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    const stdoutLines: string[] = [];
    const match = await new Promise<RegExpExecArray>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      const timer = setTimeout(
        () => reject(new Error(`preview host did not print its URL in 30 s\n${log.join('')}`)),
        30_000,
      );
      lines.on('line', (line) => {
        stdoutLines.push(line);
        const found = PREVIEW_URL_LINE.exec(line);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`preview host exited with ${code} before it was ready\n${log.join('')}`));
      });
    });
    const host = new PreviewProcess(
      child,
      match[0].slice('Preview: '.length),
      match[1]!,
      Number(match[2]),
      match[3]!,
      exited,
    );
    host.log.push(...log);
    child.stderr?.on('data', (chunk: string) => host.log.push(chunk));
    return host;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Moves the host's clock (`--test-controls`); the host re-checks the session at once (without
   * counting as activity) and says whether it is still signed in.
   */
  async setClockOffset(offsetMs: number): Promise<{ authenticated: boolean }> {
    const response = await fetch(`${this.origin}/api/test/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-preview-token': this.token },
      body: JSON.stringify({ offsetMs }),
    });
    if (!response.ok) throw new Error(`setting the clock failed: HTTP ${response.status}`);
    const { authenticated } = (await response.json()) as { authenticated: boolean };
    return { authenticated };
  }

  /** Quits like the app does (SIGTERM): resolves with the exit code (0 expected). */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((resolve) =>
      setTimeout(() => resolve('timeout'), 15_000).unref(),
    );
    const result = await Promise.race([this.exited, timeout]);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      throw new Error(`preview host did not exit within 15 s of SIGTERM\n${this.log.join('')}`);
    }
    return result;
  }

  /** Kills the process without letting it clean up. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    await this.exited;
  }
}
