import crypto from 'node:crypto';
import { z } from 'zod';
import { openDatabase } from '../../src/core/db/open-database';
import { createSessionRuntime } from '../../src/core/runtime';
import type { SessionRow } from '../../src/core/sessions/session-queries';
import { SessionManager } from '../../src/core/sessions/session-manager';
import { FakeSecretStore } from '../fakes/fake-secret-store';
import { MIGRATIONS_DIR } from './fixtures';
import { ratioFigure, infoFigure, type Figure } from './figures';
import type { MainFixture } from './main-fixture';
import { median, timeAsync, timeSync } from './measure';

const PONG = Object.freeze({ pong: true });

/**
 * validateSession uncached and cached, `invoke('auth:validate')` and a protected channel with a
 * trivial handler through `invoke`, each against a floor
 * written by hand here and measured in the same run: for an uncached validation, the least any
 * must do (split the token, decode and SHA-256 the secret, one prepared primary-key `get` on the
 * same table, `crypto.timingSafeEqual`); for a cached one, the least a never-stale cache can do
 * (one `Map` get and one prepared `PRAGMA data_version` step).
 */
export async function validateFigures(
  fixture: MainFixture,
  options: { rounds: number; iterations: number },
): Promise<Figure[]> {
  const db = openDatabase(fixture.file);
  const floorStmt = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id = ?');
  const floor = (token: string): boolean => {
    const id = token.slice(0, 36);
    const secret = Buffer.from(token.slice(37), 'base64url');
    const hash = crypto.createHash('sha256').update(secret).digest();
    const row = floorStmt.get(id);
    return row !== undefined && crypto.timingSafeEqual(row.secret_hash, hash);
  };
  const memo = new Map(fixture.tokens.map((token) => [token, { userId: 1 }]));
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  const version = dataVersion.get();
  const cachedFloor = (token: string): boolean =>
    memo.get(token) !== undefined && dataVersion.get() === version;
  const uncached = new SessionManager({ db, config: { enableMemoryCache: false } });
  const cached = new SessionManager({ db, config: { enableMemoryCache: true } });
  const tokens = fixture.tokens;
  const n = tokens.length;
  // Sanity: every subject really validates these tokens (a bench of failures proves nothing).
  for (const token of tokens) {
    if (
      !floor(token) ||
      !uncached.validateSession(token).valid ||
      !cached.validateSession(token).valid
    )
      throw new Error('validate bench: a fixture token does not validate');
  }

  const runtime = await createSessionRuntime({
    dataDir: fixture.dir,
    secretStore: new FakeSecretStore(fixture.key),
    migrationsDir: MIGRATIONS_DIR,
    device: 'bench-host (linux)',
    // The whole handler path without the cache's help: the stricter figure.
    config: { enableMemoryCache: false },
    appChannels: { 'bench:ping': { request: z.strictObject({}) } },
  });
  // What a protected call adds to the floor: the session check as activity, the request schema,
  // the queue, the envelope; the handler itself does nothing.
  runtime.protect('bench:ping', () => PONG);
  const ping = await runtime.invoke('bench:ping', {});
  if (!ping.ok) throw new Error('validate bench: the protected channel did not answer');
  const state = await runtime.invoke('auth:validate', {});
  if (!state.ok || !(state.value as { authenticated: boolean }).authenticated)
    throw new Error('validate bench: the runtime did not restore its session');

  const it = options.iterations;
  // Warm-up: JIT and page cache.
  timeSync((i) => floor(tokens[i % n]!), it);
  timeSync((i) => uncached.validateSession(tokens[i % n]!), it);
  timeSync((i) => cachedFloor(tokens[i % n]!), it);
  timeSync((i) => cached.validateSession(tokens[i % n]!), it);
  await timeAsync(() => runtime.invoke('auth:validate', {}), it);
  await timeAsync(() => runtime.invoke('bench:ping', {}), it);

  const samples = {
    floor: [] as number[],
    uncached: [] as number[],
    cachedFloor: [] as number[],
    cached: [] as number[],
    invoke: [] as number[],
    protected: [] as number[],
  };
  for (let r = 0; r < options.rounds; r += 1) {
    samples.floor.push(timeSync((i) => floor(tokens[i % n]!), it));
    samples.uncached.push(timeSync((i) => uncached.validateSession(tokens[i % n]!), it));
    samples.cachedFloor.push(timeSync((i) => cachedFloor(tokens[i % n]!), it));
    samples.cached.push(timeSync((i) => cached.validateSession(tokens[i % n]!), it));
    samples.invoke.push(await timeAsync(() => runtime.invoke('auth:validate', {}), it));
    samples.protected.push(await timeAsync(() => runtime.invoke('bench:ping', {}), it));
  }
  // Still valid after all that (nothing expired or went missing under the bench).
  const final = await runtime.invoke('auth:validate', {});
  if (!final.ok || !(final.value as { authenticated: boolean }).authenticated)
    throw new Error('validate bench: the runtime lost its session');
  await runtime.close();
  // The cache is still never stale: a revocation committed by another connection is seen by
  // the very next cached validation (a bench of a stale cache would prove nothing).
  const other = openDatabase(fixture.file);
  const victim = tokens[0]!;
  if (!cached.validateSession(victim).valid) throw new Error('validate bench: not cached');
  other.prepare('DELETE FROM sessions WHERE id = ?').run(victim.slice(0, 36));
  other.close();
  if (cached.validateSession(victim).valid)
    throw new Error('validate bench: the cache answered for a revoked session');
  db.close();

  // Each ratio is the median of per-round ratios: a subject and its floor run back to back in
  // a round, so a round slowed by something else on the machine slows both.
  const pairedRatio = (subject: number[], base: number[]): number =>
    median(subject.map((us, r) => us / base[r]!));
  const floorUs = median(samples.floor);
  const uncachedUs = median(samples.uncached);
  const cachedUs = median(samples.cached);
  const cachedFloorUs = median(samples.cachedFloor);
  const invokeUs = median(samples.invoke);
  const protectedUs = median(samples.protected);
  const floorRef = {
    name: 'floor: PK get + SHA-256 + timingSafeEqual',
    value: floorUs,
    unit: 'µs',
  };
  return [
    infoFigure({
      name: 'floor (hand-written validation)',
      value: floorUs,
      unit: 'µs',
      rounds: samples.floor,
      detail: `${Math.round(1e6 / floorUs).toLocaleString('en-US')} ops/s`,
    }),
    ratioFigure({
      name: 'validateSession, cache off',
      value: uncachedUs,
      unit: 'µs',
      rounds: samples.uncached,
      floor: floorRef,
      ratio: pairedRatio(samples.uncached, samples.floor),
      ratioMeaning: 'uncached / floor (median of per-round ratios)',
      max: 1.3,
      detail: `${Math.round(1e6 / uncachedUs).toLocaleString('en-US')} ops/s`,
    }),
    ratioFigure({
      name: 'validateSession, cache on (hit)',
      value: cachedUs,
      unit: 'µs',
      rounds: samples.cached,
      floor: {
        name: 'floor: Map get + one prepared PRAGMA data_version step',
        value: cachedFloorUs,
        unit: 'µs',
      },
      ratio: pairedRatio(samples.cached, samples.cachedFloor),
      ratioMeaning: 'cached / its floor (median of per-round ratios)',
      max: 1.25,
      detail: `${Math.round(1e6 / cachedUs).toLocaleString('en-US')} ops/s; ${(uncachedUs / cachedUs).toFixed(1)}x faster than uncached`,
    }),
    ratioFigure({
      name: "invoke('auth:validate', {}), cache off",
      value: invokeUs,
      unit: 'µs',
      rounds: samples.invoke,
      floor: floorRef,
      ratio: pairedRatio(samples.invoke, samples.floor),
      ratioMeaning: 'invoke / floor (median of per-round ratios)',
      max: 1.3,
      detail: `${Math.round(1e6 / invokeUs).toLocaleString('en-US')} ops/s`,
    }),
    ratioFigure({
      name: "invoke('bench:ping', {}), a protected channel with a trivial handler, cache off",
      value: protectedUs,
      unit: 'µs',
      rounds: samples.protected,
      floor: floorRef,
      ratio: pairedRatio(samples.protected, samples.floor),
      ratioMeaning: 'protected invoke / floor (median of per-round ratios)',
      max: 1.5,
      detail: `${Math.round(1e6 / protectedUs).toLocaleString('en-US')} ops/s`,
    }),
  ];
}
