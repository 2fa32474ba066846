/**
 * The profile feature's zod-free half, for the core (which enforces it), the preload (which
 * exposes the channels) and the renderer (which checks a name before submitting, in the same
 * words): the channel names and the display-name rule.
 */
import { isWellFormed } from './account-rules';

/** The profile channels, by name (their schemas are in `profile-channels.ts`). */
export const PROFILE_CHANNEL_NAMES = ['profile:get', 'profile:update'] as const;

/** The longest display name, in characters (code points), after trimming. */
export const DISPLAY_NAME_MAX_LENGTH = 100;

/** The display-name rule, in words. */
export const DISPLAY_NAME_RULE = `Up to ${DISPLAY_NAME_MAX_LENGTH} characters. It is shown in the app instead of your username.`;

/**
 * Characters a display name may not hold: control characters (C0, DEL, C1), line and paragraph
 * separators, and the bidirectional embedding, override and isolate marks, which can make a name
 * display as something other than what it is. Joiners and variation selectors stay allowed:
 * emoji and many scripts need them.
 */
const FORBIDDEN = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** A display name as it is stored: trimmed of surrounding white space. */
export function cleanDisplayName(name: string): string {
  return name.trim();
}

/**
 * What is wrong with a display name (as typed: it is trimmed first), in words, or null when it
 * is acceptable.
 */
export function displayNameProblem(name: string): string | null {
  const clean = cleanDisplayName(name);
  if (clean === '') return 'Enter a display name.';
  if (!isWellFormed(clean))
    return 'This name contains a broken character (half of an emoji or symbol). Type it again.';
  if (FORBIDDEN.test(clean))
    return 'Use letters, digits, spaces and punctuation only: no control or direction characters.';
  if ([...clean].length > DISPLAY_NAME_MAX_LENGTH)
    return `Use at most ${DISPLAY_NAME_MAX_LENGTH} characters.`;
  return null;
}
