import { SIGN_IN_NAME_MAX_LENGTH, usernameProblem } from '../../contract/account-rules';
import { formatScryptPhc } from '../accounts/scrypt-phc';
import type { LegacyAccount, LegacyUserRow, MalformedRow } from './legacy-types';

/**
 * The earlier app's scrypt: Node's `crypto.scrypt(password, salt, 64)` with Node's defaults
 * (N = 2^14, r = 8, p = 1), the salt being the 16 random bytes whose hex is `password_salt`.
 */
const EARLIER_SCRYPT = { ln: 14, r: 8, p: 1 } as const;
const HASH_HEX = /^[0-9a-fA-F]{128}$/;
const SALT_HEX = /^[0-9a-fA-F]{32}$/;
/** `YYYY-MM-DD`, then optionally ` HH:MM[:SS[.fff]]` or `THH:…`, then optionally a zone. */
const TIME =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?))?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A time of the earlier database in ms since the epoch, or null when it cannot be read. SQLite's
 * `datetime('now')` text (`YYYY-MM-DD HH:MM:SS`) and ISO strings without a zone are UTC, as the
 * earlier app wrote them.
 */
export function parseLegacyTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = TIME.exec(value.trim());
  if (!match) return null;
  const [, date, time = '00:00', zone = 'Z'] = match;
  const offset = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const fraction = /\.(\d+)$/.exec(time);
  const whole = time.replace(/\.\d+$/, '');
  const ms = Date.parse(`${date}T${whole.length === 5 ? `${whole}:00` : whole}${offset}`);
  if (!Number.isFinite(ms)) return null;
  return ms + (fraction ? Math.floor(Number(`0.${fraction[1]}`) * 1000) : 0);
}

/**
 * A name folded for comparison: two names that differ only in case (in any script), or in
 * compatibility forms of the same letters (full-width, ligatures), fold alike. Broader than the
 * database's ASCII-only NOCASE, so no two imported names ever collide there either.
 */
export function foldName(name: string): string {
  return name.normalize('NFKC').toUpperCase().toLowerCase();
}

/** An earlier row as an account to import, or what is wrong with it. */
export function toLegacyAccount(
  row: LegacyUserRow,
  now: number,
): { ok: true; account: LegacyAccount } | { ok: false; malformed: MalformedRow } {
  const oldId = typeof row.id === 'number' && Number.isSafeInteger(row.id) ? row.id : null;
  const username = typeof row.username === 'string' ? row.username : null;
  const bad = (problem: string) => ({
    ok: false as const,
    malformed: { oldId, username, problem },
  });
  if (oldId === null) return bad('the id is not a whole number');
  if (username === null || username.length === 0) return bad('the username is empty');
  if (username.length > SIGN_IN_NAME_MAX_LENGTH)
    return bad(
      `the username is longer than sign-in accepts (${SIGN_IN_NAME_MAX_LENGTH} characters)`,
    );
  if (!username.isWellFormed()) return bad('the username is not well-formed Unicode');
  if (typeof row.password_hash !== 'string' || !HASH_HEX.test(row.password_hash))
    return bad('password_hash is not 128 hexadecimal digits (a 64-byte scrypt key)');
  if (typeof row.password_salt !== 'string' || !SALT_HEX.test(row.password_salt))
    return bad('password_salt is not 32 hexadecimal digits (16 bytes)');
  const active = activeFlag(row.is_active);
  if (active === null) return bad('is_active is neither 0 nor 1');
  const legacyCreatedAt = parseLegacyTime(row.created_at);
  const createdAt = legacyCreatedAt ?? now;
  return {
    ok: true,
    account: {
      legacyId: oldId,
      username,
      phc: formatScryptPhc(
        EARLIER_SCRYPT,
        Buffer.from(row.password_salt, 'hex'),
        Buffer.from(row.password_hash, 'hex'),
      ),
      active,
      createdAt,
      createdAtKnown: legacyCreatedAt !== null,
      legacyCreatedAt,
      updatedAt: Math.max(createdAt, parseLegacyTime(row.updated_at) ?? createdAt),
      grandfathered: usernameProblem(username),
    },
  };
}

/** The earlier `is_active` (absent column: active), or null when it is neither 0 nor 1. */
function activeFlag(value: unknown): boolean | null {
  if (value === undefined || value === 1 || value === '1' || value === 1n) return true;
  if (value === 0 || value === '0' || value === 0n) return false;
  return null;
}
