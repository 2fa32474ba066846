import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  anchorMac,
  checkDetails,
  checkpointMac,
  GENESIS_HEAD,
  rowHash,
  safeEqualHex,
} from '../../../src/core/audit/audit-chain';

const KEY = Buffer.alloc(32, 5);
const ROW = {
  seq: 3,
  at: 1_768_467_600_000,
  event: 'sign-in',
  user_id: 1,
  session_id: null,
  details: '{"n":3}',
  keyed: 1,
  prev_hash: GENESIS_HEAD.hash,
};

describe('audit chain hashing', () => {
  it('hashes the fields as a JSON array in a fixed order (stored rows depend on it)', () => {
    const content = '[3,1768467600000,"sign-in",1,null,"{\\"n\\":3}",1,"' + '0'.repeat(64) + '"]';
    expect(rowHash(ROW, null)).toBe(crypto.createHash('sha256').update(content).digest('hex'));
    expect(rowHash(ROW, KEY)).toBe(crypto.createHmac('sha256', KEY).update(content).digest('hex'));
  });

  it('ignores a stored hash and covers every other field', () => {
    expect(rowHash({ ...ROW, hash: 'x' } as typeof ROW, KEY)).toBe(rowHash(ROW, KEY));
    for (const change of [
      { seq: 4 },
      { at: ROW.at + 1 },
      { event: 'sign-out' },
      { user_id: 2 },
      { session_id: 's' },
      { details: '{}' },
      { keyed: 0 },
      { prev_hash: 'f'.repeat(64) },
    ])
      expect(rowHash({ ...ROW, ...change }, KEY), JSON.stringify(change)).not.toBe(
        rowHash(ROW, KEY),
      );
  });

  it('keeps anchor and checkpoint MACs apart, and both depend on the key', () => {
    const hash = 'a'.repeat(64);
    expect(anchorMac(1, hash, KEY)).not.toBe(checkpointMac(1, hash, KEY));
    expect(anchorMac(1, hash, KEY)).not.toBe(anchorMac(1, hash, Buffer.alloc(32, 6)));
    expect(anchorMac(1, hash, KEY)).not.toBe(anchorMac(2, hash, KEY));
  });

  it('compares hex digests exactly, whatever their lengths', () => {
    expect(safeEqualHex('ab12', 'ab12')).toBe(true);
    expect(safeEqualHex('ab12', 'ab13')).toBe(false);
    expect(safeEqualHex('ab12', 'ab1')).toBe(false);
    expect(safeEqualHex('', '')).toBe(true);
  });
});

describe('audit details', () => {
  it('accepts scalars under ordinary names', () => {
    expect(() =>
      checkDetails({ reason: 'signed-out', count: 2, remembered: true, by: null }),
    ).not.toThrow();
  });

  it('throws for names that look like secrets and for values that are not scalars', () => {
    for (const name of ['password', 'newPassword', 'token', 'secretHash', 'apiKey', 'credentials'])
      expect(() => checkDetails({ [name]: 'x' }), name).toThrow(TypeError);
    expect(() => checkDetails({ list: [1] as never })).toThrow(/must be a scalar/);
    expect(() => checkDetails({ when: undefined as never })).toThrow(/must be a scalar/);
  });
});
