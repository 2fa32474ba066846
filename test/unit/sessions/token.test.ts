import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  TOKEN_LENGTH,
  hashSecret,
  isSessionId,
  mintToken,
  parseToken,
} from '../../../src/core/sessions/token';

const ID = '3b241101-e2bb-4255-8caf-4136c566a962';
const SECRET = crypto.randomBytes(32).toString('base64url');

describe('tokens', () => {
  it('mints <uuid-v4>.<43 base64url chars> and stores only SHA-256 of the secret bytes', () => {
    const { token, sessionId, secretHash } = mintToken();
    expect(token).toHaveLength(TOKEN_LENGTH);
    expect(isSessionId(sessionId)).toBe(true);
    const secret = token.slice(37);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(secretHash.equals(hashSecret(Buffer.from(secret, 'base64url')))).toBe(true);
    expect(parseToken(token)).toEqual({ sessionId, secretHash });
  });

  it('never mints the same id or secret twice in 20,000 tries', () => {
    const ids = new Set<string>();
    const secrets = new Set<string>();
    for (let i = 0; i < 20_000; i += 1) {
      const { token, sessionId } = mintToken();
      ids.add(sessionId);
      secrets.add(token.slice(37));
    }
    expect(ids.size).toBe(20_000);
    expect(secrets.size).toBe(20_000);
  });

  const malformed: Array<[string, unknown]> = [
    ['uuid v1', `6fa459ea-ee8a-11ca-8caf-4136c566a962.${SECRET}`],
    ['uuid v3', `6fa459ea-ee8a-3ca4-8caf-4136c566a962.${SECRET}`],
    ['uuid v5', `6fa459ea-ee8a-5ca4-8caf-4136c566a962.${SECRET}`],
    ['uuid with a wrong variant', `3b241101-e2bb-4255-0caf-4136c566a962.${SECRET}`],
    ['nil uuid', `00000000-0000-0000-0000-000000000000.${SECRET}`],
    ['max uuid', `ffffffff-ffff-ffff-ffff-ffffffffffff.${SECRET}`],
    ['upper-case uuid', `${ID.toUpperCase()}.${SECRET}`],
    ['uuid without hyphens', `${ID.replaceAll('-', '')}.${SECRET}`],
    ['uuid in braces', `{${ID}}.${SECRET}`],
    ['secret one char short', `${ID}.${SECRET.slice(1)}`],
    ['secret one char long', `${ID}.${SECRET}A`],
    ['secret in padded base64', `${ID}.${crypto.randomBytes(32).toString('base64')}`],
    ['secret with a non-canonical last char', `${ID}.${SECRET.slice(0, 42)}B`],
    ['no separator', `${ID}${SECRET}`],
    ['colon separator', `${ID}:${SECRET}`],
    ['only an id', ID],
    ['empty string', ''],
    ['whitespace around', ` ${ID}.${SECRET} `],
    ['trailing newline', `${ID}.${SECRET.slice(0, 42)}\n`],
    ['unicode look-alike digit', `${ID.replace('3', '３')}.${SECRET}`],
    ['huge string', `${ID}.${'A'.repeat(5_000_000)}`],
    ['number', 12345],
    ['null', null],
    ['undefined', undefined],
    ['object', { token: `${ID}.${SECRET}` }],
    ['array', [`${ID}.${SECRET}`]],
    ['boxed string', Object(`${ID}.${SECRET}`)],
  ];
  it.each(malformed)('rejects %s', (_name, token) => {
    expect(parseToken(token)).toBeNull();
  });

  it('accepts exactly the well-formed sample, so the list above tests the right things', () => {
    expect(parseToken(`${ID}.${SECRET}`)?.sessionId).toBe(ID);
  });
});
