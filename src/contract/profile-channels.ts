/**
 * The profile channels: the session module's own example of protected channels, defined exactly
 * as a host app defines its own. The renderer and the preload use `import type` of this module
 * (and `profile-rules.ts` for the names), so neither bundles zod.
 */
import { z } from 'zod';
import { defineAppChannels } from './app-channels';
import { MAX_FIELD_LENGTH } from './contract';
import { cleanDisplayName, displayNameProblem, type PROFILE_CHANNEL_NAMES } from './profile-rules';

/** A display name on the wire: trimmed, then checked by {@link displayNameProblem}. */
export const displayNameSchema = z
  .string()
  .max(MAX_FIELD_LENGTH, 'Display name is too long')
  .transform(cleanDisplayName)
  .superRefine((name, ctx) => {
    const problem = displayNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** A user's profile as the renderer sees it; `displayName` is null until one is set. */
export const profileSchema = z.strictObject({ displayName: z.string().nullable() });

/** A user's profile as the renderer sees it. */
export type Profile = z.output<typeof profileSchema>;

/** `profile:get` → the signed-in user's profile; `profile:update` `{ displayName }` → the new one. */
export const PROFILE_CHANNELS = defineAppChannels({
  'profile:get': { request: z.strictObject({}), response: profileSchema },
  'profile:update': {
    request: z.strictObject({ displayName: displayNameSchema }),
    response: profileSchema,
  },
});

/** The profile channel set's type (for `AppApi<ProfileChannels>` and `SessionRuntime<…>`). */
export type ProfileChannels = typeof PROFILE_CHANNELS;

// The zod-free list of names (what the preload exposes) must name exactly these channels.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _namesMatch: Same<keyof ProfileChannels, (typeof PROFILE_CHANNEL_NAMES)[number]> = true;
