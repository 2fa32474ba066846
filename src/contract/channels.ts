/**
 * IPC channel names and the preload function that carries each one. Dependency-free, so the
 * sandboxed preload can bundle it without pulling in zod.
 */

/** Request/response channels, renderer to main, in the order of the contract table. */
export const INVOKE_CHANNELS = [
  'auth:register',
  'auth:login',
  'auth:validate',
  'auth:logout',
  'auth:sessions',
  'auth:revoke-session',
  'auth:revoke-other-sessions',
  'auth:change-password',
] as const;

/** One of {@link INVOKE_CHANNELS}. */
export type InvokeChannel = (typeof INVOKE_CHANNELS)[number];

/** Main to renderer: the current `AuthState` after any change. */
export const STATE_CHANGED_CHANNEL = 'auth:state-changed';

/** The `window.auth` function for each invoke channel. */
export const API_METHODS = {
  register: 'auth:register',
  login: 'auth:login',
  validate: 'auth:validate',
  logout: 'auth:logout',
  sessions: 'auth:sessions',
  revokeSession: 'auth:revoke-session',
  revokeOtherSessions: 'auth:revoke-other-sessions',
  changePassword: 'auth:change-password',
} as const satisfies Record<string, InvokeChannel>;

/** A `window.auth` function name. */
export type ApiMethod = keyof typeof API_METHODS;

/** True for a known invoke channel. */
export function isInvokeChannel(value: unknown): value is InvokeChannel {
  return typeof value === 'string' && (INVOKE_CHANNELS as readonly string[]).includes(value);
}
