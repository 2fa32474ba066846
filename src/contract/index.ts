/**
 * `@justice-companion/sessions/contract`: the IPC contract a renderer, a preload and a main
 * process share: channel names, request schemas (zod), response types, the envelope,
 * `defineAppChannels` for the host app's own channels, the account rules, and the profile
 * channels (the module's own example of app channels).
 */
export * from './account-rules';
export * from './contract';
export * from './profile-channels';
export * from './profile-rules';
