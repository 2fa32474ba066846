/**
 * Drill: sign-in timing must not tell a known name from an unknown one, whatever parameters the
 * stored hashes use. Accounts are created under a cheap and a dear argon2 cost, one is imported
 * from an earlier install (scrypt, N = 16384), then the app runs with a third argon2 cost (the
 * current one); wrong-password attempts on each known name and on unknown names are timed. The check is a ratio of medians measured in the same run, side by side, so a slow or
 * busy machine slows every kind of attempt alike.
 */
import { describe, expect, it } from 'vitest';
import { legacyDb } from '../helpers/legacy-db';
import { PASSWORD, TestProfile } from '../helpers/runtime';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
const CURRENT = { memoryCost: 4096, timeCost: 1, parallelism: 1 };
const DEAR = { memoryCost: 16384, timeCost: 3, parallelism: 1 };
const ROUNDS = 7;
/** Lock-outs would stop the attempts: this drill is about the work, not the throttle. */
const NO_LOCKOUT = { threshold: 1000 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('drill: sign-in timing with mixed hash parameters', () => {
  it(
    'a wrong password takes as long for a cheap-hash account, a dear-hash account, an imported scrypt account and an unknown name (within ±50 %)',
    { timeout: 120_000 },
    async () => {
      const profile = new TestProfile();
      for (const [username, argon2] of [
        ['cheap', CHEAP],
        ['dear', DEAR],
      ] as const) {
        const runtime = await profile.start({ config: { argon2 } });
        await runtime.invoke('auth:register', { username, password: PASSWORD });
        await runtime.close();
      }
      const runtime = await profile.start({
        config: { argon2: CURRENT, lockout: NO_LOCKOUT },
        legacyDatabase: legacyDb({ users: [{ username: 'earlier', password: PASSWORD }] }),
      });
      const time = async (username: string): Promise<number> => {
        const started = performance.now();
        const result = await runtime.invoke('auth:login', {
          username,
          password: 'not the password at all',
        });
        const elapsed = performance.now() - started;
        expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } });
        return elapsed;
      };
      const samples = {
        cheap: [] as number[],
        dear: [] as number[],
        scrypt: [] as number[],
        unknown: [] as number[],
      };
      // Interleaved, so that whatever else the machine does affects every kind alike.
      for (let round = 0; round < ROUNDS; round += 1) {
        samples.cheap.push(await time('cheap'));
        samples.dear.push(await time('dear'));
        samples.scrypt.push(await time('earlier'));
        samples.unknown.push(await time(`nobody-${round}`));
      }
      const medians = {
        cheap: median(samples.cheap),
        dear: median(samples.dear),
        scrypt: median(samples.scrypt),
        unknown: median(samples.unknown),
      };
      const ratio = Math.max(...Object.values(medians)) / Math.min(...Object.values(medians));
      console.log(
        `timing drill: median wrong-password time, cheap-hash account ${medians.cheap.toFixed(1)} ms, dear-hash account ${medians.dear.toFixed(1)} ms, imported scrypt account ${medians.scrypt.toFixed(1)} ms, unknown name ${medians.unknown.toFixed(1)} ms; largest/smallest ${ratio.toFixed(2)}`,
      );
      expect(ratio).toBeLessThanOrEqual(1.5);
    },
  );
});
