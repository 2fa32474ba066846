import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_CONFIG } from '../../src/core/config';
import { createSessionRuntime } from '../../src/core/runtime';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { MIGRATIONS_DIR } from './fixtures';
import { boundFigure, type Figure } from './figures';
import { BENCH_PASSWORD, BENCH_USER, type MainFixture } from './main-fixture';
import { median } from './measure';

/**
 * Event-loop delay while 20 sign-ins run at the default argon2 cost (m=19456 KiB, t=2, p=1),
 * in several rounds (the figure is the median of the rounds' p99),
 * through `invoke('auth:login')`, each replacing the previous session and writing session.enc.
 * `monitorEventLoopDelay` samples every 1 ms; each sample is the whole interval between two
 * timer turns, so an idle loop already reads about 1 ms.
 */
export async function eventLoopFigures(
  fixture: MainFixture,
  options: { signIns: number; rounds: number },
): Promise<Figure[]> {
  const runtime = await createSessionRuntime({
    dataDir: fixture.dir,
    secretStore: new FakeSecretStore(fixture.key),
    migrationsDir: MIGRATIONS_DIR,
    device: 'bench-host (linux)',
  });
  if (runtime.config.argon2.memoryCost !== DEFAULT_CONFIG.argon2.memoryCost)
    throw new Error('event-loop bench: not at the default argon2 cost');
  // Let the startup work (audit verify, cleanup, decoy hash) finish first: it is not a sign-in.
  await delay(500);
  const ms = (ns: number): number => ns / 1e6;
  const p99: number[] = [];
  const p50: number[] = [];
  const max: number[] = [];
  let samples = 0;
  let signInMs = 0;
  for (let round = 0; round < options.rounds; round += 1) {
    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const started = performance.now();
    for (let i = 0; i < options.signIns; i += 1) {
      const result = await runtime.invoke('auth:login', {
        username: BENCH_USER,
        password: BENCH_PASSWORD,
        rememberMe: i % 2 === 0,
      });
      if (!result.ok) throw new Error(`event-loop bench: sign-in failed: ${result.error.code}`);
    }
    signInMs += (performance.now() - started) / options.signIns;
    histogram.disable();
    p99.push(ms(histogram.percentile(99)));
    p50.push(ms(histogram.percentile(50)));
    max.push(ms(histogram.max));
    samples += histogram.count;
  }
  // The fixture's remembered session must survive for later sections: sign in remembered last.
  await runtime.invoke('auth:login', {
    username: BENCH_USER,
    password: BENCH_PASSWORD,
    rememberMe: true,
  });
  await runtime.close();
  return [
    boundFigure({
      name: `event-loop delay p99 during ${options.signIns} sign-ins (argon2 default)`,
      value: median(p99),
      unit: 'ms',
      rounds: p99,
      max: 5,
      detail: `median of ${options.rounds} rounds; p50 ${median(p50).toFixed(2)} ms, max ${Math.max(...max).toFixed(2)} ms (worst round), ${samples} samples, ${(signInMs / options.rounds).toFixed(1)} ms per sign-in`,
    }),
  ];
}
