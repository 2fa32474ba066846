import type { ProfileChannels } from '../../contract/profile-channels';
import type { SessionRuntime } from '../runtime/types';

/**
 * Gives the profile channels (`PROFILE_CHANNELS`, which must be among the runtime's
 * `appChannels`) their handlers: `profile:get` and `profile:update` for the signed-in user, over
 * `runtime.profiles`. The app's composition roots (Electron and the preview host) call it.
 */
export function protectProfile(runtime: SessionRuntime<ProfileChannels>): void {
  runtime.protect('profile:get', (ctx) => runtime.profiles.get(ctx.user.id));
  runtime.protect('profile:update', (ctx, request) =>
    runtime.profiles.update(ctx.user.id, request.displayName, ctx.session.id),
  );
}
