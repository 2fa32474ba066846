import type { AuthState } from '../../contract/contract';
import { describeError } from '../errors/describe-error';
import type { Logger } from '../ports';

/**
 * Tells listeners (the shell's `auth:state-changed`) about each change of the auth state, once:
 * a state equal to the last one published (same session, same reason, same storage) is dropped.
 */
export class StatePublisher {
  private readonly listeners = new Set<(state: AuthState) => void>();
  private last = '';

  constructor(private readonly logger: Logger) {}

  /** Adds a listener; returns its unsubscribe function. */
  subscribe(listener: (state: AuthState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Takes `state` as the one listeners know, without telling them (the state at startup). */
  settle(state: AuthState): void {
    this.last = stateKey(state);
  }

  /** Tells every listener about `state` unless it is the one they know. */
  publish(state: AuthState): void {
    const key = stateKey(state);
    if (key === this.last) return;
    this.last = key;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (error) {
        this.logger.error('state listener failed', { error: describeError(error) });
      }
    }
  }

  /** Forgets every listener (the runtime is closing). */
  clear(): void {
    this.listeners.clear();
  }
}

function stateKey(state: AuthState): string {
  return state.authenticated
    ? `in:${state.session.id}:${state.storage.persistent}`
    : `out:${state.reason}:${state.storage.persistent}`;
}
