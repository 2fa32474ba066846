/**
 * Drill: fuzz every IPC channel through `runtime.invoke` with fast-check. Every payload must get
 * an envelope (never a rejection), and a payload its channel's schema refuses must not change
 * the database: checked per payload by `PRAGMA data_version` on an observer connection (which
 * moves on any commit by another connection), and per channel by a content hash of every table.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/open-database';
import {
  ERROR_CODES,
  INVOKE_CHANNELS,
  REQUEST_SCHEMAS,
  type InvokeChannel,
} from '../../src/shared/contract';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { contentHash, show, since } from './drill-helpers';

const PER_CHANNEL = 10_000;
const SEED = Number(process.env.DRILL_SEED ?? 20261123);

const KEYS: Record<InvokeChannel, string[]> = {
  'auth:register': ['username', 'password', 'rememberMe'],
  'auth:login': ['username', 'password', 'rememberMe'],
  'auth:validate': [],
  'auth:logout': [],
  'auth:sessions': [],
  'auth:revoke-session': ['sessionId', 'password'],
  'auth:revoke-other-sessions': ['password'],
  'auth:change-password': ['currentPassword', 'newPassword', 'signOutOtherSessions'],
};

const EDGE_NUMBERS = [
  0,
  -0,
  1,
  -1,
  NaN,
  Infinity,
  -Infinity,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 2,
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  -Number.MAX_VALUE,
  2 ** 31,
  -(2 ** 31),
  2 ** 32,
  4096,
  4097,
  1e-300,
];
const POLLUTION_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
];

/** Strings of every kind: empty, unicode, control characters, huge, near-valid. */
const nastyString = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\uFEFF',
      '\uD800',
      'a\u0301',
      '🔑🔑🔑',
      'ＡＤＡ',
      'ada',
      'ADA',
      PASSWORD,
      '3b241101-e2bb-4255-8caf-4136c566a962',
      '3B241101-E2BB-4255-8CAF-4136C566A962',
      `3b241101-e2bb-4255-8caf-4136c566a962.${'A'.repeat(43)}`,
      '__proto__',
      "'; DROP TABLE sessions; --",
      '%s%s%n',
      '${7*7}',
    ),
    weight: 3,
  },
  // Huge: longer than any field accepts (4096) and then some.
  {
    arbitrary: fc
      .tuple(
        fc.constantFrom(4095, 4096, 4097, 65_536, 1_000_000),
        fc.string({ minLength: 1, maxLength: 3 }),
      )
      .map(([n, s]) => s.repeat(Math.ceil(n / s.length)).slice(0, n)),
    weight: 1,
  },
);

/** Any value a renderer could send (or a compromised one could forge). */
const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: nastyString, weight: 6 },
  { arbitrary: fc.constantFrom(...EDGE_NUMBERS), weight: 2 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.boolean(), weight: 2 },
  { arbitrary: fc.constantFrom(null, undefined), weight: 2 },
  { arbitrary: fc.bigInt(), weight: 1 },
  {
    arbitrary: fc.anything({
      maxDepth: 2,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
      withObjectString: true,
    }),
    weight: 2,
  },
);

/** Builds an object with own properties, including `__proto__` as a real key (like JSON.parse). */
function objectFrom(
  entries: Array<[string, unknown]>,
  nullProto: boolean,
): Record<string, unknown> {
  const target = (nullProto ? Object.create(null) : {}) as Record<string, unknown>;
  for (const [key, value] of entries) {
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return target;
}

/** Mostly invalid payloads for `channel`: its own keys with wrong values, missing, extra keys. */
function payloads(channel: InvokeChannel): fc.Arbitrary<unknown> {
  const keys = KEYS[channel];
  const keyArb = fc.oneof(
    { arbitrary: fc.constantFrom(...(keys.length > 0 ? keys : ['token'])), weight: 6 },
    { arbitrary: fc.constantFrom(...POLLUTION_KEYS), weight: 2 },
    { arbitrary: fc.string({ maxLength: 12 }), weight: 2 },
  );
  const shaped = fc
    .tuple(fc.array(fc.tuple(keyArb, nastyValue), { maxLength: keys.length + 3 }), fc.boolean())
    .map(([entries, nullProto]) => objectFrom(entries, nullProto));
  // Near-valid: every key of the channel, some with plausible values, then maybe one defect.
  const nearValid = fc
    .tuple(
      fc.array(fc.oneof(nastyValue, fc.constantFrom('ada', PASSWORD, true, false)), {
        minLength: keys.length,
        maxLength: keys.length,
      }),
      fc.option(fc.tuple(fc.constantFrom(...POLLUTION_KEYS, 'extra'), nastyValue), {
        nil: undefined,
      }),
    )
    .map(([values, extra]) =>
      objectFrom(
        [...keys.map((k, i) => [k, values[i]] as [string, unknown]), ...(extra ? [extra] : [])],
        false,
      ),
    );
  const json = fc
    .tuple(fc.constantFrom(...POLLUTION_KEYS), fc.jsonValue({ maxDepth: 2 }))
    .map(([key, value]) => JSON.parse(`{"${key}": ${JSON.stringify(value) ?? 'null'}}`) as unknown);
  return fc.oneof(
    { arbitrary: shaped, weight: 5 },
    { arbitrary: nearValid, weight: 3 },
    { arbitrary: json, weight: 1 },
    { arbitrary: nastyValue, weight: 2 },
  );
}

function isEnvelope(result: unknown): boolean {
  if (typeof result !== 'object' || result === null) return false;
  const r = result as Record<string, unknown>;
  if (r.ok === true) return Object.keys(r).sort().join() === 'ok,value';
  if (r.ok !== false || Object.keys(r).sort().join() !== 'error,ok') return false;
  const e = r.error as Record<string, unknown> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    (ERROR_CODES as readonly unknown[]).includes(e.code) &&
    typeof e.message === 'string' &&
    e.message.length > 0 &&
    e.message.length <= 300
  );
}

function snapshotPrototypes(): string {
  return JSON.stringify(
    [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
      Object.getOwnPropertyNames(p).sort(),
    ),
  );
}

describe('drill: fuzz every channel', () => {
  it(
    `${PER_CHANNEL.toLocaleString('en-US')} generated payloads per channel: always an envelope, never a rejection, no change from an invalid one`,
    { timeout: 120_000 },
    async () => {
      const profile = new TestProfile();
      const runtime = await profile.start({ config: { externalChangePollMs: 3_600_000 } });
      const signedIn = await runtime.invoke('auth:register', {
        username: 'fuzzer',
        password: PASSWORD,
        rememberMe: true,
      });
      expect(signedIn.ok).toBe(true);
      // Let the startup work (cleanup, audit verify) finish: it must not count as a change.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const observer = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
      const dataVersion = observer.prepare('PRAGMA data_version').pluck();
      const prototypes = snapshotPrototypes();
      const started = performance.now();
      const lines: string[] = [];
      try {
        for (const channel of [...INVOKE_CHANNELS, 'auth:unknown' as InvokeChannel]) {
          const known = (INVOKE_CHANNELS as readonly string[]).includes(channel);
          const arb = known ? payloads(channel) : payloads('auth:login');
          const generated = fc.sample(arb, { numRuns: PER_CHANNEL, seed: SEED + channel.length });
          const schema = known ? REQUEST_SCHEMAS[channel] : null;
          const invalid = generated.filter((p) => !schema || !schema.safeParse(p).success);
          const valid = generated.filter((p) => schema && schema.safeParse(p).success);
          let rejections = 0;
          let missing = 0;
          let changed = 0;
          const codes = new Map<string, number>();
          const before = contentHash(profile.dir);
          for (const payload of invalid) {
            const version = dataVersion.get();
            let result: unknown;
            try {
              result = await runtime.invoke(channel, payload);
            } catch (error) {
              rejections += 1;
              expect.fail(`${channel} rejected for ${show(payload)}: ${String(error)}`);
            }
            if (!isEnvelope(result)) {
              missing += 1;
              expect.fail(`${channel}: no envelope for ${show(payload)}: ${show(result)}`);
            }
            const r = result as { ok: boolean; error?: { code: string } };
            codes.set(
              r.ok ? 'ok' : r.error!.code,
              (codes.get(r.ok ? 'ok' : r.error!.code) ?? 0) + 1,
            );
            if (dataVersion.get() !== version) {
              changed += 1;
              expect.fail(`${channel}: the database changed for invalid ${show(payload)}`);
            }
          }
          const after = contentHash(profile.dir);
          expect(after, `${channel}: table content changed`).toBe(before);
          // Every invalid payload is INVALID_INPUT, and it stays so: nothing reached a handler.
          expect([...codes.keys()]).toEqual(invalid.length > 0 ? ['INVALID_INPUT'] : []);
          // Valid ones may legitimately change state; they still always get an envelope.
          for (const payload of valid) {
            const result = await runtime.invoke(channel, payload).catch((error: unknown) => {
              rejections += 1;
              return error;
            });
            expect(isEnvelope(result), `${channel}: ${show(payload)} -> ${show(result)}`).toBe(
              true,
            );
          }
          lines.push(
            `fuzz ${channel}: ${generated.length} payloads (${invalid.length} invalid, ${valid.length} valid), ` +
              `${rejections} rejections, ${missing} envelopes missing, ${changed} db changes from invalid ones`,
          );
        }
        expect(snapshotPrototypes()).toBe(prototypes);
        expect(({} as Record<string, unknown>).admin).toBeUndefined();
        // The runtime still works after all that, and the observer does see its commits (so the
        // "no change" checks above could have failed).
        const version = dataVersion.get();
        const before = contentHash(profile.dir);
        const check = await runtime.invoke('auth:login', {
          username: 'fuzzer',
          password: PASSWORD,
        });
        expect(check).toMatchObject({ ok: true, value: { authenticated: true } });
        expect(dataVersion.get()).not.toBe(version);
        expect(contentHash(profile.dir)).not.toBe(before);
      } finally {
        observer.close();
      }
      for (const line of lines) console.log(line);
      console.log(`fuzz: ${lines.length} channels in ${since(started)} ms`);
      expect(fs.existsSync(profile.dir)).toBe(true);
    },
  );
});
