/**
 * Watches whether the main process (or the preview host) answers. `window.auth` and `window.app`
 * are wrapped so that a call which throws (IPC to a main process that is gone) or answers `INTERNAL` (which is
 * what the preview bridge says when the host is gone) is followed by a probe with `validate`; if
 * the probe fails too, the app shows a banner and keeps probing, with a growing pause, until an
 * answer comes back.
 *
 * While signed out, it also probes every {@link IDLE_PROBE_MS} and when the window comes back
 * into view, so a tab left open on the sign-in screen learns that its host is gone. While
 * signed in it does not: `validate` counts as activity and would keep the session from ever
 * idling out, so there the next request (or the throttled activity ping) finds out.
 */
import type { AuthApi, AuthState } from '../contract/contract';
import { fail, type IpcResult } from '../contract/envelope';
import { UNREACHABLE_ERROR } from './text/connection';

/** How often a signed-out page checks that its host still answers. */
const IDLE_PROBE_MS = 30_000;
const FIRST_RETRY_MS = 2_000;
const MAX_RETRY_MS = 30_000;

/** What the app hears from the {@link Connection}. */
export interface ConnectionEvents {
  /** The host stopped or started answering. */
  reachable(reachable: boolean): void;
  /** A probe answered with this state (the app applies it like any other). */
  probed(state: AuthState): void;
  /** True while someone is signed in (no background probes then). */
  signedIn(): boolean;
}

type Invoke = (request?: unknown) => Promise<IpcResult<unknown>>;

/** `api` with each of its functions but `onStateChanged` watched by `call`. */
function watched<T extends object>(
  api: T,
  call: (invoke: Invoke, request: unknown) => Promise<IpcResult<unknown>>,
): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(api)) {
    if (typeof value !== 'function') continue;
    out[name] =
      name === 'onStateChanged'
        ? (listener: (state: AuthState) => void) => (value as AuthApi['onStateChanged'])(listener)
        : (request?: unknown) => call(value as Invoke, request);
  }
  return Object.freeze(out) as T;
}

/** See the module comment. */
export class Connection {
  /** `window.auth`, watched. */
  readonly api: AuthApi;
  private down = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private probing: Promise<boolean> | null = null;

  constructor(
    private readonly raw: AuthApi,
    private readonly events: ConnectionEvents,
  ) {
    this.api = this.watch(raw);
  }

  /** `api` (`window.auth` or `window.app`), each call watched. */
  watch<T extends object>(api: T): T {
    return watched(api, (invoke, request) => this.call(invoke, request));
  }

  /** Starts the background probes of a signed-out page (see the module comment). */
  startProbing(): void {
    setInterval(() => {
      if (!this.down && !this.events.signedIn()) void this.probe();
    }, IDLE_PROBE_MS);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible' && (this.down || !this.events.signedIn()))
        void this.probe();
    });
  }

  /** Asks main with `validate`; true when it answered. One probe at a time. */
  probe(): Promise<boolean> {
    this.probing ??= (async () => {
      let result: IpcResult<AuthState> | null;
      try {
        result = await this.raw.validate();
      } catch {
        result = null;
      }
      this.probing = null;
      if (result?.ok) {
        this.setDown(false);
        this.events.probed(result.value);
        return true;
      }
      this.setDown(true);
      return false;
    })();
    return this.probing;
  }

  private async call(invoke: Invoke, request: unknown): Promise<IpcResult<unknown>> {
    let result: IpcResult<unknown>;
    try {
      result = await (request === undefined ? invoke() : invoke(request));
    } catch {
      void this.probe();
      return fail('INTERNAL', UNREACHABLE_ERROR);
    }
    if (!result.ok && result.error.code === 'INTERNAL') void this.probe();
    else this.setDown(false);
    return result;
  }

  private setDown(down: boolean): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (down) {
      // Keep probing, each pause longer than the last, so the banner goes when the host is back.
      this.retryTimer = setTimeout(() => void this.probe(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    } else {
      this.retryMs = FIRST_RETRY_MS;
    }
    if (down === this.down) return;
    this.down = down;
    this.events.reachable(!down);
  }
}
