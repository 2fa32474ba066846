/**
 * The account rules, in one place for the core (which enforces them) and the renderer (which
 * checks them before submitting, with the same words). No dependencies: the renderer bundles it.
 */

/** Usernames: 3–64 ASCII letters, digits and `. _ @ + -`, starting with a letter or digit. */
export const USERNAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@+-]{2,63}$/;

/** The username rule, in words. */
export const USERNAME_RULE =
  'Usernames are 3 to 64 characters: letters, digits and . _ @ + -, starting with a letter or digit.';

/**
 * The longest name sign-in accepts. Registration applies {@link USERNAME_PATTERN}, but names
 * imported from an earlier install may predate it, so sign-in takes any name up to this length.
 */
export const SIGN_IN_NAME_MAX_LENGTH = 256;

/** Passwords: length only, counted in characters exactly as typed, no composition rules. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

/** The password rule, in words. */
export const PASSWORD_RULE = `Use ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters. Any characters count, spaces included; a passphrase of a few words works well.`;

/**
 * Why a password with a lone surrogate is refused: half of an emoji (a broken paste, usually)
 * cannot be encoded for hashing, so the password could never be checked exactly as typed.
 */
export const LONE_SURROGATE_RULE =
  'This password contains a broken character (half of an emoji or symbol), so it cannot be stored exactly as typed. Type it again.';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Length as the rules count it: characters (code points), exactly as typed. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/** True when `text` is well-formed Unicode (no lone surrogate). */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/** What is wrong with a new password, in words, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (!isWellFormed(password)) return LONE_SURROGATE_RULE;
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

/** What is wrong with a new username, in words, or null when it is acceptable. */
export function usernameProblem(username: string): string | null {
  return USERNAME_PATTERN.test(username) ? null : USERNAME_RULE;
}
