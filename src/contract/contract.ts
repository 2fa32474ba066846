/**
 * The IPC contract between the renderer and the main process: every channel's name, request
 * schema (zod), response type, and the `{ ok, value } | { ok, error }` envelope. The main
 * process validates with the schemas; the preload and the renderer use the types
 * (`import type`), so neither bundles zod.
 */
import { z } from 'zod';
import type { API_METHODS, ApiMethod, InvokeChannel } from './channels';
import type { IpcResult } from './envelope';
import { SIGN_IN_NAME_MAX_LENGTH } from './account-rules';
import { SESSION_ID_PATTERN } from './session-id';

export * from './app-channels';
export * from './channels';
export * from './envelope';

/** Whether remembered sessions can be kept across restarts, and why not. */
export interface StorageStatus {
  persistent: boolean;
  /** The OS key store behind `safeStorage` (`gnome_libsecret`, `keychain`, `dpapi`, …). */
  backend: string;
  /** Present when `persistent` is false: no key store at all, or only a weak one (`basic_text`). */
  reason?: 'unavailable' | 'weak-backend';
}

/** A session as the renderer sees it: an id, never a token or a hash. */
export interface SessionView {
  id: string;
  createdAt: number;
  lastActiveAt: number;
  /** The absolute cap (ms since the epoch, UTC). */
  expiresAt: number;
  /** When the session ends without further activity (never after `expiresAt`). */
  idleExpiresAt: number;
  rememberMe: boolean;
  /** True for the session of this app instance. */
  current: boolean;
  device: string;
}

/** Why nobody is signed in. */
export type SignedOutReason =
  | 'not-signed-in'
  | 'signed-out'
  | 'expired'
  | 'idle-timeout'
  | 'revoked'
  | 'revoked-by-admin'
  | 'password-changed'
  | 'account-disabled'
  | 'device-locked'
  | 'storage-changed'
  | 'storage-unavailable'
  | 'restore-failed';

/** Who is signed in, or why nobody is. */
export type AuthState =
  | {
      authenticated: false;
      reason: SignedOutReason;
      storage: StorageStatus;
      /** How long a sign-in with "Keep me signed in" would last here (the host's setting, ms). */
      rememberForMs: number;
    }
  | {
      authenticated: true;
      user: { id: number; username: string };
      session: SessionView;
      storage: StorageStatus;
    };

/** Longest string any field accepts on the wire; longer input is `INVALID_INPUT`. */
export const MAX_FIELD_LENGTH = 4096;

const username = z
  .string()
  .min(1, 'Enter a username')
  .max(SIGN_IN_NAME_MAX_LENGTH, 'Username is too long');
const password = z
  .string()
  .min(1, 'Enter a password')
  .max(MAX_FIELD_LENGTH, 'Password is too long');
const sessionId = z.string().regex(SESSION_ID_PATTERN, 'Not a session id');

/** Request schemas, one per channel. Unknown keys are rejected. */
export const REQUEST_SCHEMAS = {
  'auth:register': z.strictObject({ username, password, rememberMe: z.boolean().optional() }),
  'auth:login': z.strictObject({ username, password, rememberMe: z.boolean().optional() }),
  'auth:validate': z.strictObject({}),
  'auth:logout': z.strictObject({}),
  'auth:sessions': z.strictObject({}),
  'auth:revoke-session': z.strictObject({ sessionId, password: password.optional() }),
  'auth:revoke-other-sessions': z.strictObject({ password: password.optional() }),
  'auth:change-password': z.strictObject({
    currentPassword: password,
    newPassword: password,
    signOutOtherSessions: z.boolean().optional(),
  }),
} as const satisfies Record<InvokeChannel, z.ZodType>;

/** The request type of a channel. */
export type RequestOf<C extends InvokeChannel> = z.infer<(typeof REQUEST_SCHEMAS)[C]>;

/** The success value of each channel. */
export interface ResponseMap {
  'auth:register': AuthState;
  'auth:login': AuthState;
  'auth:validate': AuthState;
  'auth:logout': AuthState;
  'auth:sessions': { sessions: SessionView[] };
  'auth:revoke-session': { revoked: boolean };
  'auth:revoke-other-sessions': { revoked: number };
  'auth:change-password': { revokedSessions: number };
}

/** The success value of a channel. */
export type ResponseOf<C extends InvokeChannel> = ResponseMap[C];

/** Request types by name, for documentation and the renderer. */
export type RegisterRequest = RequestOf<'auth:register'>;
export type LoginRequest = RequestOf<'auth:login'>;
export type RevokeSessionRequest = RequestOf<'auth:revoke-session'>;
export type RevokeOtherSessionsRequest = RequestOf<'auth:revoke-other-sessions'>;
export type ChangePasswordRequest = RequestOf<'auth:change-password'>;

type MethodChannel<M extends ApiMethod> = (typeof API_METHODS)[M];

/**
 * `window.auth`, as the preload exposes it: one function per channel plus `onStateChanged`.
 * Channels whose request is `{}` take no argument.
 */
export type AuthApi = {
  [M in ApiMethod]: RequestOf<MethodChannel<M>> extends Record<string, never>
    ? () => Promise<IpcResult<ResponseOf<MethodChannel<M>>>>
    : (request: RequestOf<MethodChannel<M>>) => Promise<IpcResult<ResponseOf<MethodChannel<M>>>>;
} & {
  /** Calls `listener` with every state main pushes; returns a function that unsubscribes. */
  onStateChanged(listener: (state: AuthState) => void): () => void;
};
