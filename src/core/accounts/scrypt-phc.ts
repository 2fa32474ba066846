import crypto from 'node:crypto';

/**
 * scrypt password hashes as PHC strings: `$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>`, salt
 * and hash in base64 without padding. Accounts imported from an earlier install carry them (that
 * app used Node's `crypto.scrypt` with N = 2^14, r = 8, p = 1 and a 64-byte key); they are only
 * ever verified, and replaced with argon2id at the next successful sign-in.
 */

/** What decides an scrypt hash: its cost parameters and key length. */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  ln: number;
  r: number;
  p: number;
}

interface ScryptHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,3}),p=(\d{1,3})\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/**
 * The largest cost a stored hash may ask for (about 256 MiB of memory per verification): a hash
 * beyond it is treated as unreadable, so a doctored database cannot make every sign-in (and the
 * decoy timing that covers it) allocate without bound.
 */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;

/** Formats an scrypt hash as a PHC string. */
export function formatScryptPhc(params: ScryptParams, salt: Buffer, hash: Buffer): string {
  const b64 = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');
  return `$scrypt$ln=${params.ln},r=${params.r},p=${params.p}$${b64(salt)}$${b64(hash)}`;
}

/** The parts of an scrypt PHC string, or null when it is not one this verifier accepts. */
function parse(phc: string): ScryptHash | null {
  const match = PHC.exec(phc);
  if (!match) return null;
  const [ln, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const salt = Buffer.from(match[4]!, 'base64');
  const hash = Buffer.from(match[5]!, 'base64');
  if (ln < 1 || r < 1 || p < 1 || memoryOf({ ln, r, p }) > MAX_MEMORY_BYTES) return null;
  if (salt.length < 8 || hash.length < 16 || hash.length > 128) return null;
  return { ln, r, p, salt, hash };
}

/** The memory one derivation takes (Node refuses it when `maxmem` is lower). */
function memoryOf(params: ScryptParams): number {
  return 128 * params.r * (2 ** params.ln + params.p + 2);
}

/** `crypto.scrypt` on libuv's thread pool (off the main thread), with room for its memory. */
function derive(password: string, params: ScryptParams, salt: Buffer, length: number) {
  return new Promise<Buffer>((resolve, reject) => {
    crypto.scrypt(
      password,
      salt,
      length,
      { N: 2 ** params.ln, r: params.r, p: params.p, maxmem: memoryOf(params) + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

/** The parameter set of an scrypt PHC string (`scrypt:ln=…,r=…,p=…,len=…`), or null. */
export function scryptParameterSet(phc: string): string | null {
  const parsed = parse(phc);
  return parsed
    ? `scrypt:ln=${parsed.ln},r=${parsed.r},p=${parsed.p},len=${parsed.hash.length}`
    : null;
}

/** True when `password` matches; compared in constant time. False for an unreadable hash. */
export async function verifyScrypt(phc: string, password: string): Promise<boolean> {
  const parsed = parse(phc);
  if (!parsed) return false;
  const derived = await derive(password, parsed, parsed.salt, parsed.hash.length);
  return crypto.timingSafeEqual(derived, parsed.hash);
}

/** A hash of `password` with the parameters and lengths of `phc` (a decoy to time), or null. */
export async function scryptLike(phc: string, password: string): Promise<string | null> {
  const parsed = parse(phc);
  if (!parsed) return null;
  const salt = crypto.randomBytes(parsed.salt.length);
  return formatScryptPhc(parsed, salt, await derive(password, parsed, salt, parsed.hash.length));
}
