/**
 * `npm run preview`: DEVELOPMENT ONLY. Hosts the real session runtime under Node on
 * 127.0.0.1 and serves the renderer to any browser. See `host.ts` for what it guards against.
 *
 * Prints exactly one line on stdout once ready (tests parse it):
 *
 *     Preview: http://127.0.0.1:PORT/?token=TOKEN
 *
 * Everything else (notes, logs) goes to stderr. SIGINT/SIGTERM close the runtime (like quitting
 * the app) and exit 0.
 */
import { parsePreviewArgs, USAGE, type PreviewCliOptions } from './cli-options';
import { startPreviewHost, type PreviewHost } from './host';

async function main(): Promise<void> {
  let options: PreviewCliOptions | 'help';
  try {
    options = parsePreviewArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  let host: PreviewHost;
  try {
    host = await startPreviewHost(options);
  } catch (error) {
    process.stderr.write(`The preview host could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }

  const notes = [
    'DEVELOPMENT ONLY: this host is not part of the packaged app.',
    `data directory: ${options.dataDir}`,
    `secret store: ${options.secretStore}${options.secretStore === 'file' ? ' (key file in the data directory: not secure)' : ' (simulated)'}`,
    ...(options.testControls ? ['test controls ON: the clock can be moved through the API'] : []),
    ...(options.fastHash ? ['fast-hash ON: cheap argon2 parameters, for tests only'] : []),
    'Stop with Ctrl+C.',
  ];
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      process.stderr.write(`[preview] ${signal} again: exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`[preview] shutdown failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // Only now: whoever reads the URL line may signal at once, and without a listener yet Node
  // would die of the signal instead of closing the runtime.
  for (const note of notes) process.stderr.write(`[preview] ${note}\n`);
  process.stdout.write(`Preview: ${host.url}\n`);
}

void main();
