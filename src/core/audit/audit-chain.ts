import crypto from 'node:crypto';
import type { AuditDetails, AuditRowContent, ChainHead } from './audit-types';

/** The head of an empty chain: its hash is the first row's `prev_hash`. */
export const GENESIS_HEAD: Readonly<ChainHead> = Object.freeze({ seq: 0, hash: '0'.repeat(64) });

const FORBIDDEN_DETAIL_KEY = /pass|token|secret|hash|key|credential/i;

/**
 * The hash stored for a row: HMAC-SHA256 under `key`, or plain SHA-256 without one, over a JSON
 * array of the row's fields in a fixed order (changing it would make every stored row look
 * altered).
 */
export function rowHash(row: AuditRowContent, key: Buffer | null): string {
  const content = JSON.stringify([
    row.seq,
    row.at,
    row.event,
    row.user_id,
    row.session_id,
    row.details,
    row.keyed,
    row.prev_hash,
  ]);
  return key
    ? crypto.createHmac('sha256', key).update(content).digest('hex')
    : crypto.createHash('sha256').update(content).digest('hex');
}

/** The MAC of the anchor's head. The prefix keeps it from ever equalling a checkpoint MAC. */
export function anchorMac(seq: number, hash: string, key: Buffer): string {
  return crypto.createHmac('sha256', key).update(`anchor:${seq}:${hash}`).digest('hex');
}

/** The MAC of the anchor's keyed checkpoint. */
export function checkpointMac(seq: number, hash: string, key: Buffer): string {
  return crypto.createHmac('sha256', key).update(`checkpoint:${seq}:${hash}`).digest('hex');
}

/** The MAC of the anchor's origin (where the key took over); its own prefix, like the others. */
export function originMac(seq: number, hash: string, key: Buffer): string {
  return crypto.createHmac('sha256', key).update(`origin:${seq}:${hash}`).digest('hex');
}

/** Compares two hex digests in constant time, so a MAC check leaks nothing through timing. */
export function safeEqualHex(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/**
 * Throws a TypeError for a detail whose key looks like a secret (password, token, hash, key…)
 * or whose value is not a scalar: that is a programming error, and no secret may ever reach
 * the log, where it would sit unencrypted for good.
 */
export function checkDetails(details: AuditDetails): void {
  for (const [name, value] of Object.entries(details)) {
    if (FORBIDDEN_DETAIL_KEY.test(name))
      throw new TypeError(`audit: detail "${name}" looks like a secret`);
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value))
      throw new TypeError(`audit: detail "${name}" must be a scalar`);
  }
}
