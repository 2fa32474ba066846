/**
 * What screens know about the app: the context they get (the API, the current state,
 * navigation) and the shape they return. A leaf module: screens import this, never `app.ts`,
 * so there is no import cycle between the controller and the screens it shows.
 */
import type { AppApi, AuthApi, AuthState, IpcResult } from '../contract/contract';
import type { ProfileChannels } from '../contract/profile-channels';
import type { AttemptTracker } from './logic/attempts';

/** Every screen the app can show. */
export type ScreenName =
  'sign-in' | 'register' | 'home' | 'profile' | 'sessions' | 'change-password';

/** Screens that need someone signed in; the others show to signed-out users. */
export const SIGNED_IN_SCREENS: ReadonlySet<ScreenName> = new Set([
  'home',
  'profile',
  'sessions',
  'change-password',
]);

/** What a screen gets from the app. */
export interface ScreenContext {
  /** `window.auth`, watched for an unreachable main process (see `connection.ts`). */
  readonly api: AuthApi;
  /** `window.app` (the app's own channels: the profile), watched the same way. */
  readonly app: AppApi<ProfileChannels>;
  /** Failed password checks per account, shared by every form that checks one. */
  readonly attempts: AttemptTracker;
  /** The latest known state. */
  state(): AuthState | null;
  /**
   * The signed-in user's display name, once loaded; null while unknown or when none is set (the
   * username stands in then).
   */
  displayName(): string | null;
  /** Takes a display name just saved (the header and Home show it at once). */
  setDisplayName(name: string): void;
  /** Takes a state answered by a request (sign-in, sign-out, …) and shows the right screen. */
  apply(state: AuthState): void;
  /** Shows another screen (sign-in instead, when a signed-in one is asked for while signed out). */
  go(screen: ScreenName): void;
  /** Signs out this device and returns to sign-in. */
  signOut(): Promise<void>;
  /**
   * Call with any failed envelope: on `NOT_AUTHENTICATED` the session ended underneath us, so the
   * app asks main for the state (and its reason) and returns to sign-in. Returns true if handled.
   */
  handleLostSession(result: IpcResult<unknown>): Promise<boolean>;
  /** The page clock, in ms since the epoch (tests drive it with `page.clock`). */
  now(): number;
}

/** One rendered screen. */
export interface Screen {
  readonly element: HTMLElement;
  /** Where focus goes when the screen appears (its heading by default). */
  focus?(): void;
  /** Called when main pushes a new state while this screen shows. */
  update?(state: AuthState): void;
  /** Called when the signed-in user's display name has loaded or changed. */
  displayNameChanged?(): void;
  /** Called when the screen goes away: stop timers, close dialogs. */
  dispose?(): void;
}

/** The signed-in user's username, or '' while nobody is (or the state is not known yet). */
export function signedInUsername(state: AuthState | null): string {
  return state?.authenticated ? state.user.username : '';
}
