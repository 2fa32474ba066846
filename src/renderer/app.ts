/**
 * The renderer's controller: which screen shows, the header with navigation and sign-out, and
 * what happens when main pushes `auth:state-changed`. Talks only to `window.auth`.
 */
import type { AuthApi, AuthState, IpcResult, SignedOutReason } from '../shared/contract';
import { h } from './dom';
import { closeReauthDialog } from './reauth-dialog';
import { changePasswordScreen } from './screens/change-password';
import { homeScreen } from './screens/home';
import { registerScreen } from './screens/register';
import { sessionsScreen } from './screens/sessions';
import { signInScreen } from './screens/sign-in';

export type ScreenName = 'sign-in' | 'register' | 'home' | 'sessions' | 'change-password';

const SIGNED_IN_SCREENS: ReadonlySet<ScreenName> = new Set(['home', 'sessions', 'change-password']);

/**
 * The idle timeout slides on activity. Using this UI is activity too, so a key press or a click
 * while signed in tells main (through `validate`), at most once per this interval.
 */
export const ACTIVITY_PING_INTERVAL_MS = 60_000;

/** What a screen gets from the app. */
export interface AppContext {
  readonly api: AuthApi;
  /** The latest known state. */
  state(): AuthState | null;
  /** Takes a state answered by a request (sign-in, sign-out, …) and shows the right screen. */
  apply(state: AuthState): void;
  go(screen: ScreenName): void;
  /**
   * Call with any failed envelope: on `NOT_AUTHENTICATED` the session ended underneath us, so the
   * app asks main for the state (and its reason) and returns to sign-in. Returns true if handled.
   */
  handleLostSession(result: IpcResult<unknown>): Promise<boolean>;
  now(): number;
}

/** One rendered screen. */
export interface Screen {
  readonly element: HTMLElement;
  /** Where focus goes when the screen appears (its heading by default). */
  focus?(): void;
  /** Called when main pushes a new state while this screen shows. */
  update?(state: AuthState): void;
}

export class App implements AppContext {
  private current: AuthState | null = null;
  private screenName: ScreenName | null = null;
  private screen: Screen | null = null;
  private readonly header: HTMLElement;
  private readonly main: HTMLElement;
  private lastActivityPing = 0;

  constructor(
    private readonly root: HTMLElement,
    readonly api: AuthApi,
  ) {
    this.header = h('header', { class: 'app-header', 'data-testid': 'app-header' });
    this.main = h('main', { id: 'main', class: 'app-main', 'data-testid': 'app-main' });
    this.root.replaceChildren(this.header, this.main);
  }

  /** Subscribes to pushes, then asks main whether anyone is signed in to pick the first screen. */
  async start(): Promise<void> {
    this.api.onStateChanged((state) => this.onPushed(state));
    for (const type of ['keydown', 'pointerdown'] as const) {
      document.addEventListener(type, () => this.onActivity(), { passive: true, capture: true });
    }
    this.lastActivityPing = this.now();
    const result = await this.api.validate();
    if (result.ok) {
      this.apply(result.value, { initial: true });
    } else {
      this.showSignIn(null, { initial: true, error: result.error.message });
    }
  }

  state(): AuthState | null {
    return this.current;
  }

  now(): number {
    return Date.now();
  }

  apply(state: AuthState, options: { initial?: boolean } = {}): void {
    const previous = this.current;
    this.current = state;
    if (!state.authenticated) {
      if (this.screenName === null || SIGNED_IN_SCREENS.has(this.screenName)) {
        this.showSignIn(state.reason, options);
      } else {
        this.renderHeader();
        this.screen?.update?.(state);
      }
      return;
    }
    const sameSession =
      previous?.authenticated === true && previous.session.id === state.session.id;
    if (this.screenName === null || !SIGNED_IN_SCREENS.has(this.screenName) || !sameSession) {
      this.show('home', options);
    } else {
      this.renderHeader();
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

  async handleLostSession(result: IpcResult<unknown>): Promise<boolean> {
    if (result.ok || result.error.code !== 'NOT_AUTHENTICATED') return false;
    const state = await this.api.validate();
    if (state.ok) this.apply(state.value);
    else this.showSignIn(null, { error: state.error.message });
    return true;
  }

  /** The user did something: tell main (throttled) so the idle timeout slides. */
  private onActivity(): void {
    const now = this.now();
    if (!this.current?.authenticated || now - this.lastActivityPing < ACTIVITY_PING_INTERVAL_MS)
      return;
    this.lastActivityPing = now;
    void this.api.validate().then((result) => {
      if (!result.ok) return;
      const before = this.current;
      const changed =
        before?.authenticated !== result.value.authenticated ||
        (before.authenticated &&
          result.value.authenticated &&
          before.session.id !== result.value.session.id);
      if (changed) this.apply(result.value);
      else this.current = result.value;
    });
  }

  /** Main pushed a state change (sign-in elsewhere, revocation, expiry, …). */
  private onPushed(state: AuthState): void {
    if (!state.authenticated) closeReauthDialog();
    this.apply(state);
  }

  private showSignIn(
    reason: SignedOutReason | null,
    options: { initial?: boolean; error?: string } = {},
  ): void {
    closeReauthDialog();
    this.screenName = 'sign-in';
    this.screen = signInScreen(this, { reason, error: options.error ?? null });
    this.mount(options.initial === true);
  }

  private show(name: ScreenName, options: { initial?: boolean } = {}): void {
    if (name === 'sign-in') return this.showSignIn(null, options);
    this.screenName = name;
    switch (name) {
      case 'register':
        this.screen = registerScreen(this);
        break;
      case 'home':
        this.screen = homeScreen(this);
        break;
      case 'sessions':
        this.screen = sessionsScreen(this);
        break;
      case 'change-password':
        this.screen = changePasswordScreen(this);
        break;
    }
    this.mount(options.initial === true);
  }

  private mount(initial: boolean): void {
    const screen = this.screen;
    if (!screen) return;
    this.renderHeader();
    this.main.replaceChildren(screen.element);
    document.title = `${screen.element.querySelector('h1')?.textContent ?? 'Sign in'} · Justice Companion`;
    // On a screen change, move focus to it so keyboard and screen-reader users follow along.
    if (screen.focus) screen.focus();
    else if (!initial) screen.element.querySelector<HTMLElement>('h1')?.focus();
  }

  private renderHeader(): void {
    const state = this.current;
    const brand = h('p', { class: 'brand' }, 'Justice Companion');
    if (
      !state?.authenticated ||
      this.screenName === null ||
      !SIGNED_IN_SCREENS.has(this.screenName)
    ) {
      this.header.replaceChildren(brand);
      return;
    }
    const link = (screen: ScreenName, label: string): HTMLElement => {
      const button = h(
        'button',
        {
          type: 'button',
          class: 'nav-link',
          'data-testid': `nav-${screen}`,
          'aria-current': this.screenName === screen ? 'page' : null,
        },
        label,
      );
      button.addEventListener('click', () => this.go(screen));
      return h('li', {}, button);
    };
    const signOut = h(
      'button',
      { type: 'button', class: 'button', 'data-testid': 'sign-out' },
      'Sign out',
    );
    signOut.addEventListener('click', () => {
      signOut.disabled = true;
      void this.api.logout().then((result) => {
        signOut.disabled = false;
        if (result.ok) this.apply(result.value);
        else void this.handleLostSession(result);
      });
    });
    this.header.replaceChildren(
      brand,
      h(
        'nav',
        { 'aria-label': 'Main' },
        h(
          'ul',
          { class: 'nav-list' },
          link('home', 'Home'),
          link('sessions', 'Sessions'),
          link('change-password', 'Change password'),
        ),
      ),
      h(
        'div',
        { class: 'header-user' },
        h(
          'span',
          { 'data-testid': 'header-user' },
          'Signed in as ',
          h('strong', {}, state.user.username),
        ),
        signOut,
      ),
    );
  }
}

/** Shown when the page runs without `window.auth` (opened outside the app and the preview host). */
export function renderMissingBridge(root: HTMLElement): void {
  root.replaceChildren(
    h(
      'main',
      { id: 'main', class: 'app-main', 'data-testid': 'screen-no-bridge' },
      h(
        'section',
        { class: 'card' },
        h('h1', {}, 'This page runs inside the app'),
        h(
          'p',
          {},
          'Start the desktop app, or run “npm run preview” and open the address it prints.',
        ),
      ),
    ),
  );
}
