import { setTimeout as delay } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { createSessionRuntime } from '../../src/core/runtime';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { MIGRATIONS_DIR } from './fixtures';
import { boundFigure, type Figure } from './figures';
import type { MainFixture } from './main-fixture';
import { median } from './measure';

/**
 * Startup restore: `createSessionRuntime` on the main fixture (open, migrations check, storage
 * probe, audit log open, read + decrypt + validate `session.enc`) until it resolves signed in.
 * The secret store is in-process (real AES-256-GCM, no OS keyring round trip).
 */
export async function startupFigures(
  fixture: MainFixture,
  options: { rounds: number },
): Promise<Figure[]> {
  const rounds: number[] = [];
  let cold = 0;
  for (let r = 0; r < options.rounds; r += 1) {
    const store = new FakeSecretStore(fixture.key);
    const started = performance.now();
    const runtime = await createSessionRuntime({
      dataDir: fixture.dir,
      secretStore: store,
      migrationsDir: MIGRATIONS_DIR,
      device: 'bench-host (linux)',
    });
    const elapsed = performance.now() - started;
    const state = runtime.getState();
    await runtime.close();
    if (!state.authenticated) throw new Error(`startup bench: not restored (${state.reason})`);
    // The first round pays for cold caches and JIT, as a real app start does: it is counted,
    // and shown apart in the notes.
    rounds.push(elapsed);
    if (r === 0) cold = elapsed;
    // Let work the runtime started in the background (the argon2 decoy hash) finish, so the
    // rounds do not overlap.
    await delay(300);
  }
  return [
    boundFigure({
      name: `startup restore (${fixture.sessions.toLocaleString('en-US')} sessions, ${fixture.users.toLocaleString('en-US')} users)`,
      value: median(rounds),
      unit: 'ms',
      rounds,
      max: 10,
      detail: `first (cold) round ${cold.toFixed(1)} ms, included`,
    }),
  ];
}
