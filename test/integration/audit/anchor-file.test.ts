import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  advanceAnchor,
  readAnchor,
  startAnchor,
  writeGenesisAnchor,
  type HashAt,
} from '../../../src/core/audit/anchor-file';
import {
  anchorMac,
  checkpointMac,
  GENESIS_HEAD,
  originMac,
} from '../../../src/core/audit/audit-chain';
import { OTHER_AUDIT_KEY as OTHER_KEY, TEST_AUDIT_KEY as KEY } from '../../helpers/audit';
import { tempDir } from '../../helpers/temp-dir';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);
const ZERO = GENESIS_HEAD.hash;

function file(): string {
  return path.join(tempDir('jc-anchor-'), 'audit-anchor.json');
}

/** A chain of stored hashes by seq (0: genesis). */
function chain(...hashes: string[]): HashAt {
  return (seq) => (seq === 0 ? ZERO : hashes[seq - 1]);
}

function mark(seq: number, hash: string, macOf: typeof anchorMac, key = KEY) {
  return { seq, hash, mac: macOf(seq, hash, key) };
}

/** A row of the chain, as [seq, hash]. */
type At = [seq: number, hash: string];

/**
 * The anchor expected at `head` once KEY has marked the chain: its checkpoint and origin under
 * KEY, and the head MAC'd under KEY too, unless `mac` is false (a head KEY's holder did not write).
 */
function keyedAnchor(head: At, marks: { mac: boolean; checkpoint: At; origin: At }) {
  const [seq, hash] = head;
  return {
    v: 1,
    seq,
    hash,
    ...(marks.mac ? { mac: anchorMac(seq, hash, KEY) } : {}),
    checkpoint: mark(...marks.checkpoint, checkpointMac),
    origin: mark(...marks.origin, originMac),
  };
}

describe('audit anchor file', () => {
  it('reads anything missing or malformed as no anchor, a negative or fractional seq included', () => {
    const target = file();
    expect(readAnchor(target)).toBeNull();
    for (const content of [
      '',
      'not json',
      'null',
      '42',
      `{"v":2,"seq":1,"hash":"${A}"}`,
      `{"v":1,"seq":1.5,"hash":"${A}"}`,
      `{"v":1,"seq":-1,"hash":"${A}"}`,
      `{"v":1,"seq":-0.5,"hash":"${A}"}`,
      `{"v":1,"seq":"1","hash":"${A}"}`,
      `{"v":1,"seq":1e300,"hash":"${A}"}`,
      `{"v":1,"seq":1,"hash":"x"}`,
      `{"v":1,"seq":1,"hash":"${A.toUpperCase()}"}`,
      '{"v":1,"seq":1}',
    ]) {
      fs.writeFileSync(target, content);
      expect(readAnchor(target), content).toBeNull();
    }
  });

  it('drops a malformed MAC, checkpoint or origin but keeps the head', () => {
    const target = file();
    fs.writeFileSync(
      target,
      JSON.stringify({
        v: 1,
        seq: 4,
        hash: A,
        mac: 7,
        checkpoint: { seq: 4, hash: A },
        origin: { seq: -1, hash: A, mac: B },
      }),
    );
    expect(readAnchor(target)).toEqual({ v: 1, seq: 4, hash: A });
  });

  it('a new chain without a key: a bare genesis anchor', () => {
    const target = file();
    writeGenesisAnchor(target);
    expect(readAnchor(target)).toEqual({ v: 1, seq: 0, hash: ZERO });
  });

  it('a new key: its origin and checkpoint at the head, MAC’d', () => {
    const target = file();
    writeGenesisAnchor(target);
    startAnchor(target, { seq: 2, hash: B }, KEY);
    expect(readAnchor(target)).toEqual(
      keyedAnchor([2, B], { mac: true, checkpoint: [2, B], origin: [2, B] }),
    );
  });

  it('a new key on a chain cut below its anchor keeps the anchor’s head, so the cut still shows', () => {
    const target = file();
    fs.writeFileSync(target, JSON.stringify({ v: 1, seq: 5, hash: C }));
    startAnchor(target, { seq: 3, hash: B }, KEY);
    expect(readAnchor(target)).toEqual(
      keyedAnchor([5, C], { mac: false, checkpoint: [3, B], origin: [3, B] }),
    );
  });

  it.each([
    [
      'with the key, MACs the new head and moves a sound checkpoint to it; the origin is copied',
      KEY,
      keyedAnchor([2, B], { mac: true, checkpoint: [2, B], origin: [1, A] }),
    ],
    [
      'without the key, writes a bare head and copies the checkpoint and origin forward',
      null,
      keyedAnchor([2, B], { mac: false, checkpoint: [1, A], origin: [1, A] }),
    ],
  ])('%s', (_name, key, expected) => {
    const target = file();
    startAnchor(target, { seq: 1, hash: A }, KEY);
    expect(advanceAnchor(target, { seq: 2, hash: B }, key, chain(A, B))).toBe('moved');
    expect(readAnchor(target)).toEqual(expected);
  });

  it('only moves forward (another process may have appended already)', () => {
    const target = file();
    writeGenesisAnchor(target);
    expect(advanceAnchor(target, { seq: 5, hash: B }, null, chain(A, A, A, A, B))).toBe('moved');
    expect(advanceAnchor(target, { seq: 4, hash: A }, KEY, chain(A, A, A, A, B))).toBe('behind');
    expect(readAnchor(target)).toEqual({ v: 1, seq: 5, hash: B });
  });

  it('is never recreated when missing, and never moved off a head that is not in the chain', () => {
    const target = file();
    expect(advanceAnchor(target, { seq: 1, hash: A }, KEY, chain(A))).toBe('missing');
    expect(fs.existsSync(target)).toBe(false);
    // The anchor names row 2 as B, the chain holds C there (rows removed, others written).
    startAnchor(target, { seq: 2, hash: B }, KEY);
    const before = fs.readFileSync(target, 'utf8');
    expect(advanceAnchor(target, { seq: 3, hash: A }, KEY, chain(A, C, A))).toBe('disagrees');
    expect(fs.readFileSync(target, 'utf8')).toBe(before);
  });

  it('with the key, leaves a forged head alone, and never moves a missing, forged or stale checkpoint', () => {
    const forgedHead = file();
    fs.writeFileSync(forgedHead, JSON.stringify({ v: 1, seq: 1, hash: A, mac: B }));
    expect(advanceAnchor(forgedHead, { seq: 2, hash: B }, KEY, chain(A, B))).toBe('disagrees');

    // A bare anchor (someone without the key wrote it, or dropped the checkpoint): the keyed
    // append MACs its head but has no checkpoint to move, so verification keeps failing.
    const bare = file();
    fs.writeFileSync(bare, JSON.stringify({ v: 1, seq: 0, hash: ZERO }));
    expect(advanceAnchor(bare, { seq: 1, hash: A }, KEY, chain(A))).toBe('moved');
    expect(readAnchor(bare)).toEqual({ v: 1, seq: 1, hash: A, mac: anchorMac(1, A, KEY) });

    const forged = file();
    const otherCheckpoint = mark(1, A, checkpointMac, OTHER_KEY);
    fs.writeFileSync(
      forged,
      JSON.stringify({ v: 1, seq: 1, hash: A, checkpoint: otherCheckpoint }),
    );
    advanceAnchor(forged, { seq: 2, hash: B }, KEY, chain(A, B));
    expect(readAnchor(forged)?.checkpoint).toEqual(otherCheckpoint);

    // A genuine checkpoint on a row that has since been replaced (the chain cut back under it).
    const stale = file();
    startAnchor(stale, { seq: 2, hash: B }, KEY);
    fs.writeFileSync(
      stale,
      JSON.stringify({ ...readAnchor(stale), seq: 1, hash: A, mac: anchorMac(1, A, KEY) }),
    );
    advanceAnchor(stale, { seq: 2, hash: C }, KEY, chain(A, C));
    expect(readAnchor(stale)?.checkpoint).toEqual(mark(2, B, checkpointMac));
  });

  it.skipIf(process.platform === 'win32')('is written readable by its owner only', () => {
    const target = file();
    writeGenesisAnchor(target);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    startAnchor(target, { seq: 0, hash: ZERO }, KEY);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
  });
});
