/**
 * What the channel fuzz drill generates: payloads of every shape a renderer could send (or a
 * compromised one forge), mostly invalid, and the checks on what comes back.
 */
import fc from 'fast-check';
import { ERROR_CODES } from '../../src/contract/contract';
import { PASSWORD } from './runtime';

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
export const nastyString = fc.oneof(
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

/** Mostly invalid payloads for a channel with `keys`: wrong values, missing keys, extra keys. */
export function payloads(keys: readonly string[]): fc.Arbitrary<unknown> {
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

export function isEnvelope(result: unknown): boolean {
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

export function snapshotPrototypes(): string {
  return JSON.stringify(
    [Object.prototype, Array.prototype, Function.prototype, String.prototype].map((p) =>
      Object.getOwnPropertyNames(p).sort(),
    ),
  );
}
