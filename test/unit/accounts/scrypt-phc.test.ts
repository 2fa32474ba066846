import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PasswordHasher } from '../../../src/core/accounts/password-hasher';
import {
  formatScryptPhc,
  scryptLike,
  scryptParameterSet,
  verifyScrypt,
} from '../../../src/core/accounts/scrypt-phc';

const CHEAP = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

/** An scrypt PHC string made with Node's crypto directly, as the earlier app hashed. */
function phcOf(password: string, ln = 14, r = 8, p = 1, length = 64): string {
  const salt = crypto.randomBytes(16);
  const key = crypto.scryptSync(password, salt, length, {
    N: 2 ** ln,
    r,
    p,
    maxmem: 64 * 1024 * 1024,
  });
  return formatScryptPhc({ ln, r, p }, salt, key);
}

describe('scrypt PHC strings', () => {
  it('verifies the earlier parameters (N = 16384, r = 8, p = 1, 64 bytes): right password, wrong one, unicode', async () => {
    const phc = phcOf('Zoë’s passphrase 🗝');
    expect(phc).toMatch(/^\$scrypt\$ln=14,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{86}$/);
    expect(await verifyScrypt(phc, 'Zoë’s passphrase 🗝')).toBe(true);
    expect(await verifyScrypt(phc, 'Zoe’s passphrase 🗝')).toBe(false);
    expect(await verifyScrypt(phc, '')).toBe(false);
  });

  it('uses the stored parameters and key length', async () => {
    const phc = phcOf('a passphrase', 10, 4, 2, 32);
    expect(scryptParameterSet(phc)).toBe('scrypt:ln=10,r=4,p=2,len=32');
    expect(await verifyScrypt(phc, 'a passphrase')).toBe(true);
  });

  it('treats an unreadable or too costly string as no match, never as an error', async () => {
    const good = phcOf('a passphrase', 4);
    for (const bad of [
      good.replace('ln=4', 'ln=30'), // 128 GiB of memory: refused
      good.replace('$scrypt$', '$scrypt2$'),
      good.replace(/\$[^$]+$/, '$AAAA'), // a 3-byte key
      `${good}!`,
      '$scrypt$ln=4,r=8,p=1$$',
      'not a hash',
    ]) {
      expect(scryptParameterSet(bad)).toBeNull();
      expect(await verifyScrypt(bad, 'a passphrase')).toBe(false);
    }
  });

  it('makes a decoy with the same parameter set (what the timing floor learns from)', async () => {
    const phc = phcOf('a passphrase', 6);
    const decoy = await scryptLike(phc, 'something else');
    expect(decoy).not.toBeNull();
    expect(scryptParameterSet(decoy!)).toBe(scryptParameterSet(phc));
    expect(await verifyScrypt(decoy!, 'something else')).toBe(true);
  });
});

describe('PasswordHasher dispatches on the PHC id', () => {
  const hasher = new PasswordHasher(CHEAP);

  it('verifies argon2id and scrypt hashes; an scrypt hash always needs a rehash', async () => {
    const argon2 = await hasher.hash('a passphrase');
    const scrypt = phcOf('a passphrase', 5);
    expect(await hasher.verify(argon2, 'a passphrase')).toBe(true);
    expect(await hasher.verify(scrypt, 'a passphrase')).toBe(true);
    expect(await hasher.verify(scrypt, 'another')).toBe(false);
    expect(hasher.needsRehash(argon2)).toBe(false);
    expect(hasher.needsRehash(scrypt)).toBe(true);
    expect(hasher.parameterSet(argon2)).toBe('argon2id:m=1024,t=1,p=1');
    expect(hasher.parameterSet(scrypt)).toBe('scrypt:ln=5,r=8,p=1,len=64');
  });

  it('an unknown algorithm is never a match and has no parameter set', async () => {
    expect(await hasher.verify('$bcrypt$whatever', 'x')).toBe(false);
    expect(hasher.parameterSet('$bcrypt$whatever')).toBeNull();
    // rehashLike falls back to the current argon2id parameters.
    expect(hasher.parameterSet(await hasher.rehashLike('$bcrypt$whatever', 'x'))).toBe(
      'argon2id:m=1024,t=1,p=1',
    );
  });

  it('rehashLike keeps the algorithm: scrypt stays scrypt with the same set', async () => {
    const scrypt = phcOf('a passphrase', 5);
    expect(hasher.parameterSet(await hasher.rehashLike(scrypt, 'decoy'))).toBe(
      hasher.parameterSet(scrypt),
    );
  });
});
