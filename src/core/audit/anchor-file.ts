import fs from 'node:fs';
import { writeFileAtomic } from '../persistence/atomic-file';
import { anchorMac, checkpointMac, GENESIS_HEAD, originMac, safeEqualHex } from './audit-chain';
import type { AuditAnchor, AuditCheckpoint, ChainHead } from './audit-types';

const HEX64 = /^[0-9a-f]{64}$/;

/** The stored hash of row `seq` (the genesis hash for 0), or undefined when there is no such row. */
export type HashAt = (seq: number) => string | undefined;

/**
 * Reads `audit-anchor.json`. Anything missing, unreadable or malformed (a negative or fractional
 * seq, a hash that is not 64 hex digits) reads as no anchor: verification then reports the
 * anchor as missing instead of throwing. A malformed MAC, checkpoint or origin is dropped.
 */
export function readAnchor(file: string): AuditAnchor | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<AuditAnchor> | null;
    if (parsed?.v !== 1 || !isSeq(parsed.seq) || !isHex64(parsed.hash)) return null;
    return {
      v: 1,
      seq: parsed.seq,
      hash: parsed.hash,
      ...(isHex64(parsed.mac) ? { mac: parsed.mac } : {}),
      ...(isMark(parsed.checkpoint) ? { checkpoint: parsed.checkpoint } : {}),
      ...(isMark(parsed.origin) ? { origin: parsed.origin } : {}),
    };
  } catch {
    return null;
  }
}

/** The bare anchor of a new chain without a key: written once, before its first row. */
export function writeGenesisAnchor(file: string): void {
  write(file, { v: 1, ...GENESIS_HEAD }, true);
}

/**
 * The anchor of a key that was just created: its origin and checkpoint are the chain's current
 * `head` (rows up to it were written before any key existed). A head already past `head` (rows
 * removed from an unkeyed chain) is kept as it is, so the removal still shows.
 */
export function startAnchor(file: string, head: ChainHead, key: Buffer): void {
  const current = readAnchor(file);
  const ahead = current && current.seq > head.seq ? current : null;
  const anchor: AuditAnchor = ahead
    ? { v: 1, seq: ahead.seq, hash: ahead.hash, ...(ahead.mac ? { mac: ahead.mac } : {}) }
    : { v: 1, ...head, mac: anchorMac(head.seq, head.hash, key) };
  anchor.checkpoint = { ...head, mac: checkpointMac(head.seq, head.hash, key) };
  anchor.origin = { ...head, mac: originMac(head.seq, head.hash, key) };
  // Durable: it is written once per key, and the key file written after it relies on it.
  write(file, anchor, true);
}

/** What {@link advanceAnchor} did. */
export type AnchorMove =
  /** Moved to the new head. */
  | 'moved'
  /** Left alone: another process has appended after us already (the anchor only moves forward). */
  | 'behind'
  /** There is no (readable) anchor: it is not recreated, which would hide its loss. */
  | 'missing'
  /** Left alone: it names a row that is not in the chain, or its MAC is wrong (evidence). */
  | 'disagrees';

/**
 * Moves the anchor to `head`, a row just committed. With the key, the head is MAC'd, and the
 * checkpoint moves to it too, but only from a checkpoint that verifies under the key and still
 * matches its row: a missing, bare or forged anchor, or a chain cut back under its checkpoint,
 * stays visible instead of being vouched for by the next append. Without the key, the head is
 * bare and the checkpoint is copied forward unchanged. The origin is always copied unchanged.
 */
export function advanceAnchor(
  file: string,
  head: ChainHead,
  key: Buffer | null,
  hashAt: HashAt,
): AnchorMove {
  const current = readAnchor(file);
  if (!current) return 'missing';
  if (current.seq > head.seq) return 'behind';
  if (hashAt(current.seq) !== current.hash) return 'disagrees';
  if (key && current.mac !== undefined && !macMatches(current, key, anchorMac)) return 'disagrees';
  const checkpointSound =
    key !== null &&
    current.checkpoint !== undefined &&
    macMatches(current.checkpoint, key, checkpointMac) &&
    hashAt(current.checkpoint.seq) === current.checkpoint.hash;
  const checkpoint = checkpointSound
    ? { ...head, mac: checkpointMac(head.seq, head.hash, key) }
    : current.checkpoint;
  const anchor: AuditAnchor = {
    v: 1,
    seq: head.seq,
    hash: head.hash,
    ...(key ? { mac: anchorMac(head.seq, head.hash, key) } : {}),
    ...(checkpoint ? { checkpoint } : {}),
    ...(current.origin ? { origin: current.origin } : {}),
  };
  // Atomic but not fsynced: the rows it points at commit with synchronous=NORMAL (durable
  // against an app crash, not a power cut), and an anchor synced ahead of them would only
  // turn a power cut into a false "rows removed". Two fsyncs per event stalled the main thread.
  write(file, anchor, false);
  return 'moved';
}

/** Whether `mark.mac` is the MAC `macOf` gives its seq and hash under `key`. */
export function macMatches(
  mark: { seq: number; hash: string; mac?: string },
  key: Buffer,
  macOf: (seq: number, hash: string, key: Buffer) => string,
): boolean {
  return mark.mac !== undefined && safeEqualHex(mark.mac, macOf(mark.seq, mark.hash, key));
}

function write(file: string, anchor: AuditAnchor, durable: boolean): void {
  writeFileAtomic(file, `${JSON.stringify(anchor)}\n`, 0o600, { durable });
}

function isSeq(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isHex64(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

function isMark(value: unknown): value is AuditCheckpoint {
  const c = value as Partial<AuditCheckpoint> | null | undefined;
  return typeof c === 'object' && c !== null && isSeq(c.seq) && isHex64(c.hash) && isHex64(c.mac);
}
