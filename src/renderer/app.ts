/**
 * The renderer's controller: which screen shows, the header, the connection banner, the signed-in
 * user's display name, and what happens when main pushes `auth:state-changed`. Talks only to
 * `window.auth` and `window.app`, through the {@link Connection} that watches them. Screens get a
 * {@link ScreenContext} (`screen.ts`) and never import this module.
 */
import type { AppApi, AuthApi, AuthState, IpcResult, SignedOutReason } from '../contract/contract';
import type { ProfileChannels } from '../contract/profile-channels';
import { Connection } from './connection';
import { h } from './dom';
import { renderHeader } from './header';
import { AttemptTracker } from './logic/attempts';
import { SIGNED_IN_SCREENS, type Screen, type ScreenContext, type ScreenName } from './screen';
import { changePasswordScreen } from './screens/change-password';
import { homeScreen } from './screens/home';
import { loadingScreen } from './screens/loading';
import { profileScreen } from './screens/profile';
import { registerScreen } from './screens/register';
import { sessionsScreen } from './screens/sessions/sessions';
import { signInScreen } from './screens/sign-in';
import { APP_NAME } from './ui/brand';
import { connectionBanner, type ConnectionBanner } from './ui/banner';
import { closeDialogs } from './ui/dialog';

/**
 * The idle timeout slides on activity. Using this UI is activity too, so a key press or a click
 * while signed in tells main (through `validate`), at most once per this interval.
 */
const ACTIVITY_PING_INTERVAL_MS = 60_000;

/** See the module comment. */
export class App implements ScreenContext {
  readonly api: AuthApi;
  readonly app: AppApi<ProfileChannels>;
  readonly attempts = new AttemptTracker();
  private readonly connection: Connection;
  private readonly banner: ConnectionBanner;
  private readonly header: HTMLElement;
  private readonly main: HTMLElement;
  private current: AuthState | null = null;
  private screenName: ScreenName | null = null;
  private screen: Screen | null = null;
  private lastActivityPing = 0;
  /** The display name of the session it was loaded for (a new session loads it again). */
  private profile: { sessionId: string; displayName: string | null } | null = null;

  constructor(root: HTMLElement, raw: AuthApi, rawApp: AppApi<ProfileChannels>) {
    this.connection = new Connection(raw, {
      reachable: (reachable) => this.banner.setReachable(reachable),
      probed: (state) => this.absorb(state),
      signedIn: () => this.current?.authenticated === true,
    });
    this.api = this.connection.api;
    this.app = this.connection.watch(rawApp);
    this.banner = connectionBanner(() => this.connection.probe());
    this.header = h('header', { class: 'app-header', 'data-testid': 'app-header' });
    this.main = h('main', { id: 'main', class: 'app-main', 'data-testid': 'app-main' });
    root.replaceChildren(this.banner.element, this.header, this.main);
    renderHeader(this.header, this.headerOptions());
    // Never a blank window: the same card index.html painted, until main answers.
    this.mount(loadingScreen(), true);
  }

  /** Subscribes to pushes, then asks main whether anyone is signed in to pick the first screen. */
  async start(): Promise<void> {
    this.api.onStateChanged((state) => this.onPushed(state));
    for (const type of ['keydown', 'pointerdown'] as const) {
      document.addEventListener(type, () => this.onActivity(), { passive: true, capture: true });
    }
    this.connection.startProbing();
    this.lastActivityPing = this.now();
    const result = await this.api.validate();
    if (result.ok) this.apply(result.value, { initial: true });
    else this.showSignIn(null, { initial: true, error: result.error.message });
  }

  state(): AuthState | null {
    return this.current;
  }

  now(): number {
    return Date.now();
  }

  displayName(): string | null {
    const state = this.current;
    if (!state?.authenticated || this.profile?.sessionId !== state.session.id) return null;
    return this.profile.displayName;
  }

  setDisplayName(name: string): void {
    if (this.current?.authenticated) this.showDisplayName(this.current.session.id, name);
  }

  apply(state: AuthState, options: { initial?: boolean } = {}): void {
    const previous = this.current;
    this.current = state;
    if (!state.authenticated) {
      if (this.screenName === null || SIGNED_IN_SCREENS.has(this.screenName)) {
        this.showSignIn(state.reason, options);
      } else {
        this.screen?.update?.(state);
      }
      return;
    }
    const sameSession =
      previous?.authenticated === true && previous.session.id === state.session.id;
    if (this.profile?.sessionId !== state.session.id) this.loadProfile(state.session.id);
    if (this.screenName === null || !SIGNED_IN_SCREENS.has(this.screenName) || !sameSession) {
      this.show('home', options);
    } else {
      renderHeader(this.header, this.headerOptions());
      this.screen?.update?.(state);
    }
  }

  go(screen: ScreenName): void {
    if (SIGNED_IN_SCREENS.has(screen) && !this.current?.authenticated) {
      this.showSignIn(null);
      return;
    }
    this.show(screen);
  }

  async signOut(): Promise<void> {
    const result = await this.api.logout();
    if (result.ok) this.apply(result.value);
    else await this.handleLostSession(result);
  }

  async handleLostSession(result: IpcResult<unknown>): Promise<boolean> {
    if (result.ok || result.error.code !== 'NOT_AUTHENTICATED') return false;
    const state = await this.api.validate();
    if (state.ok) this.apply(state.value);
    else this.showSignIn(null, { error: state.error.message });
    return true;
  }

  /**
   * Takes a state learned in passing (an activity ping, a connection probe): only a change of
   * who is signed in re-renders, so a form being filled in is never wiped by a check.
   */
  private absorb(state: AuthState): void {
    const before = this.current;
    const changed =
      before === null ||
      before.authenticated !== state.authenticated ||
      (before.authenticated && state.authenticated && before.session.id !== state.session.id);
    if (changed && this.screenName !== null) this.apply(state);
    else this.current = state;
  }

  /**
   * Asks main for the display name of the session `sessionId`; the username stands in until it
   * comes (and if it never does: the name is a nicety, not worth an error on every screen).
   */
  private loadProfile(sessionId: string): void {
    this.profile = { sessionId, displayName: null };
    void this.app.profileGet().then((result) => {
      const state = this.current;
      if (!result.ok || !state?.authenticated || state.session.id !== sessionId) return;
      this.showDisplayName(sessionId, result.value.displayName);
    });
  }

  private showDisplayName(sessionId: string, displayName: string | null): void {
    this.profile = { sessionId, displayName };
    renderHeader(this.header, this.headerOptions());
    this.screen?.displayNameChanged?.();
  }

  /** The user did something: tell main (throttled) so the idle timeout slides. */
  private onActivity(): void {
    const now = this.now();
    if (!this.current?.authenticated || now - this.lastActivityPing < ACTIVITY_PING_INTERVAL_MS)
      return;
    this.lastActivityPing = now;
    void this.api.validate().then((result) => {
      if (result.ok) this.absorb(result.value);
    });
  }

  /** Main pushed a state change (sign-in elsewhere, revocation, expiry, …). */
  private onPushed(state: AuthState): void {
    if (!state.authenticated) closeDialogs();
    this.apply(state);
  }

  private showSignIn(
    reason: SignedOutReason | null,
    options: { initial?: boolean; error?: string } = {},
  ): void {
    this.screenName = 'sign-in';
    this.mount(signInScreen(this, { reason, error: options.error ?? null }), options.initial);
  }

  private show(name: ScreenName, options: { initial?: boolean } = {}): void {
    if (name === 'sign-in') return this.showSignIn(null, options);
    this.screenName = name;
    const screen =
      name === 'register'
        ? registerScreen(this)
        : name === 'home'
          ? homeScreen(this)
          : name === 'profile'
            ? profileScreen(this)
            : name === 'sessions'
              ? sessionsScreen(this)
              : changePasswordScreen(this);
    this.mount(screen, options.initial);
  }

  private headerOptions(): Parameters<typeof renderHeader>[1] {
    const name = this.screenName;
    return {
      state: this.current,
      displayName: this.displayName(),
      signedInScreen: name !== null && SIGNED_IN_SCREENS.has(name) ? name : null,
      go: (screen) => this.go(screen),
      signOut: () => this.signOut(),
    };
  }

  private mount(screen: Screen, initial = false): void {
    closeDialogs();
    this.screen?.dispose?.();
    this.screen = screen;
    renderHeader(this.header, this.headerOptions());
    this.main.replaceChildren(screen.element);
    const title = screen.element.querySelector('h1')?.textContent ?? 'Sign in';
    document.title = `${title} · ${APP_NAME}`;
    // On a screen change, move focus to it so keyboard and screen-reader users follow along.
    if (screen.focus) screen.focus();
    else if (!initial) screen.element.querySelector<HTMLElement>('h1')?.focus();
  }
}
