import { expect } from 'vitest';
import type { AuthState, IpcResult } from '../../src/contract/contract';

/** The value of a successful envelope; fails the test, with the error, on a failed one. */
export function expectOk<T>(result: IpcResult<T>): T {
  if (!result.ok) expect.fail(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The signed-in state of a successful envelope; fails the test on anything else. */
export function expectSignedIn(
  result: IpcResult<AuthState>,
): Extract<AuthState, { authenticated: true }> {
  const state = expectOk(result);
  if (!state.authenticated) expect.fail(`expected signed in, got signed out (${state.reason})`);
  return state;
}
