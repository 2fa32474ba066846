import crypto from 'node:crypto';
import { SESSION_ID_PATTERN } from '../../contract/session-id';

/** Bytes of CSPRNG output in a token's secret. */
const SECRET_BYTES = 32;

// 32 bytes in unpadded base64url are 43 characters; the last carries 4 bits, so it is one of 16.
const TOKEN_PATTERN = new RegExp(
  `^(${SESSION_ID_PATTERN.source.slice(1, -1)})\\.([A-Za-z0-9_-]{42}[AEIMQUYcgkosw048])$`,
);

/** `<uuid-v4>.<base64url secret>`: 36 + 1 + 43 characters. */
export const TOKEN_LENGTH = 80;

/** A freshly minted token and what the database stores of it. */
export interface MintedToken {
  token: string;
  sessionId: string;
  secretHash: Buffer;
}

/** A token taken apart; `secretHash` is what the database row must hold. */
export interface ParsedToken {
  sessionId: string;
  secretHash: Buffer;
}

/** Creates a token: a random UUID v4 id and 32 random bytes. */
export function mintToken(): MintedToken {
  // Node's own RFC 9562 version 4 UUID, from the CSPRNG, always lower-case.
  const sessionId = crypto.randomUUID();
  const secret = crypto.randomBytes(SECRET_BYTES);
  return {
    token: `${sessionId}.${secret.toString('base64url')}`,
    sessionId,
    secretHash: hashSecret(secret),
  };
}

/**
 * Parses a token, or returns null for anything that is not exactly
 * `<lower-case uuid-v4>.<43 base64url characters>`. Cheap and query-free, so malformed input
 * never reaches the database.
 */
export function parseToken(token: unknown): ParsedToken | null {
  if (typeof token !== 'string' || token.length !== TOKEN_LENGTH) return null;
  const match = TOKEN_PATTERN.exec(token);
  if (!match) return null;
  return { sessionId: match[1]!, secretHash: hashSecret(Buffer.from(match[2]!, 'base64url')) };
}

/** True for a well-formed session id (lower-case UUID v4). */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && SESSION_ID_PATTERN.test(value);
}

/** SHA-256 of the secret's bytes. */
export function hashSecret(secret: Buffer): Buffer {
  return crypto.createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of two secret hashes. */
export function secretHashesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}
