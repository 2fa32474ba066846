import {
  createSessionRuntime,
  type SessionRuntime,
  type SessionRuntimeOptions,
} from '../../src/core/runtime';
import path from 'node:path';
import type { AppChannelDefinitions, NoAppChannels } from '../../src/contract/contract';
import { openDatabase, type Db } from '../../src/core/db/open-database';
import { DATA_FILES } from '../../src/core/persistence/data-files';
import type { LogFields, Logger } from '../../src/core/ports';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { ManualClock } from './clock';
import { MIGRATIONS_DIR } from './db';
import { tempDir } from './temp-dir';
import { afterEach } from 'vitest';

/** Cheap argon2 parameters so tests run fast; the defaults are checked separately. */
export const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** A logger that keeps every line, to assert that no secret was ever logged. */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: LogFields }> = [];
  debug(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'debug', message, fields });
  }
  info(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'info', message, fields });
  }
  warn(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'warn', message, fields });
  }
  error(message: string, fields?: LogFields): void {
    this.lines.push({ level: 'error', message, fields });
  }
  text(): string {
    return JSON.stringify(this.lines);
  }
}

const open: SessionRuntime[] = [];
const connections: Db[] = [];

afterEach(async () => {
  for (const runtime of open.splice(0)) await runtime.close();
  for (const db of connections.splice(0)) if (db.open) db.close();
});

/** Everything one simulated app profile needs across restarts. */
export class TestProfile {
  readonly dir: string;
  readonly clock: ManualClock;
  readonly store: FakeSecretStore;
  readonly logger = new RecordingLogger();

  constructor(options: { dir?: string; clock?: ManualClock; store?: FakeSecretStore } = {}) {
    this.dir = options.dir ?? tempDir('jc-profile-');
    this.clock = options.clock ?? new ManualClock();
    this.store = options.store ?? new FakeSecretStore();
  }

  /** Starts a runtime on this profile (closed automatically after the test). */
  async start<D extends AppChannelDefinitions = NoAppChannels>(
    overrides: Partial<SessionRuntimeOptions<D>> = {},
  ): Promise<SessionRuntime<D>> {
    const runtime = await createSessionRuntime<D>({
      dataDir: this.dir,
      secretStore: this.store,
      clock: this.clock,
      logger: this.logger,
      migrationsDir: MIGRATIONS_DIR,
      device: 'test device',
      ...overrides,
      config: { argon2: TEST_ARGON2, ...overrides.config },
    });
    open.push(runtime as unknown as SessionRuntime);
    return runtime;
  }

  /** A connection of its own to this profile's database, as another process would have one. */
  openDb(): Db {
    const db = openDatabase(path.join(this.dir, DATA_FILES.database));
    connections.push(db);
    return db;
  }
}

export const PASSWORD = 'correct horse battery staple';
