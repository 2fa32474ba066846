/** The preview host's command line (kept apart from `server.ts`, which runs on import). */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PREVIEW_SECRET_STORE_MODES, type PreviewSecretStoreMode } from './preview-secret-store';

/** The data directory when `--data-dir` is not given (inside the git-ignored `.tmp/`). */
export const DEFAULT_PREVIEW_DATA_DIR = '.tmp/preview-data';

export const USAGE = `Usage: npm run preview -- [options]     (or: node dist/preview/server.cjs [options])

Development only: runs the session core under Node and serves the app's renderer on 127.0.0.1.

Options:
  --data-dir <dir>        database, session.enc and the preview key file (default ${DEFAULT_PREVIEW_DATA_DIR})
  --port <n>              port on 127.0.0.1; 0 picks a free one (default 0)
  --secret-store <mode>   file (default): AES-256-GCM, key file in the data dir, backend "preview-file-key"
                          unavailable: simulate no secure storage
                          basic_text: simulate Linux's weak basic_text key store
  --test-controls         tests only: enable POST /api/test/clock {"offsetMs": n} to move the clock
  --fast-hash             tests only: cheap argon2id parameters (never for real accounts)
  -h, --help              this text

Prints one line, "Preview: http://127.0.0.1:PORT/?token=TOKEN". Open that URL: the token is
a random secret made for this run; every request to the host must carry it.`;

export interface PreviewCliOptions {
  dataDir: string;
  port: number;
  secretStore: PreviewSecretStoreMode;
  testControls: boolean;
  fastHash: boolean;
}

/** Parses the command line; throws an Error with a readable message on bad input. */
export function parsePreviewArgs(argv: string[]): PreviewCliOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      'secret-store': { type: 'string' },
      'test-controls': { type: 'boolean' },
      'fast-hash': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const portText = values.port ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new Error(`--port must be 0 to 65535, got "${portText}"`);
  const secretStore = (values['secret-store'] ?? 'file') as PreviewSecretStoreMode;
  if (!PREVIEW_SECRET_STORE_MODES.includes(secretStore)) {
    throw new Error(
      `--secret-store must be one of ${PREVIEW_SECRET_STORE_MODES.join(', ')}, got "${secretStore}"`,
    );
  }
  const dataDir = values['data-dir'] ?? DEFAULT_PREVIEW_DATA_DIR;
  if (!dataDir) throw new Error('--data-dir must not be empty');
  return {
    dataDir: path.resolve(dataDir),
    port,
    secretStore,
    testControls: values['test-controls'] === true,
    fastHash: values['fast-hash'] === true,
  };
}
