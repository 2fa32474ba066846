/**
 * Child process of the crash drill: runs the real runtime on a data directory and loops
 * sign-in / validate / revoke / change-password / sign-out until the parent SIGKILLs it. After
 * every request that resolved it prints `{"ack": <newest audit seq>}`: rows up to there were
 * acknowledged and must survive the kill. Never prints a token or a password.
 *
 * argv: <dataDir> <migrationsDir>; env JC_DRILL_KEY: the hex key of the shared secret store.
 */
import path from 'node:path';
import { openDatabase } from '../../../src/core/db/open-database';
import { createSessionRuntime } from '../../../src/core/runtime';
import type { IpcResult } from '../../../src/contract/contract';
import { FakeSecretStore } from '../../fakes/fake-secret-store';

const PASSWORDS = ['first drill passphrase', 'second drill passphrase'];
const USERNAME = 'crash';
const TEST_ARGON2 = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

function say(message: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const [dataDir, migrationsDir] = process.argv.slice(2);
  if (!dataDir || !migrationsDir || !process.env.JC_DRILL_KEY) throw new Error('usage');
  const store = new FakeSecretStore(Buffer.from(process.env.JC_DRILL_KEY, 'hex'));
  const runtime = await createSessionRuntime({
    dataDir,
    secretStore: store,
    migrationsDir,
    device: `crash child ${process.pid}`,
    config: { argon2: TEST_ARGON2, externalChangePollMs: 20 },
  });
  const observer = openDatabase(path.join(dataDir, 'sessions.db'), { readonly: true });
  const newestSeq = observer.prepare('SELECT max(seq) FROM audit_log').pluck();
  say({ ready: true, authenticated: runtime.getState().authenticated });
  let password = 0;
  let n = 0;
  const call = async (channel: string, payload: unknown): Promise<IpcResult<unknown>> => {
    const result = await runtime.invoke(channel, payload);
    if (!result.ok && result.error.code === 'INTERNAL') say({ internal: channel });
    say({ ack: newestSeq.get() ?? 0 });
    return result;
  };
  const signIn = async (rememberMe: boolean): Promise<void> => {
    // A kill during a password change leaves either password current: try both.
    for (const attempt of [password, 1 - password]) {
      const result = await call('auth:login', {
        username: USERNAME,
        password: PASSWORDS[attempt],
        rememberMe,
      });
      if (result.ok) {
        password = attempt;
        return;
      }
    }
    const registered = await call('auth:register', {
      username: USERNAME,
      password: PASSWORDS[0],
      rememberMe,
    });
    if (registered.ok) password = 0;
  };
  for (;;) {
    n += 1;
    const state = runtime.getState();
    if (!state.authenticated) await signIn(n % 3 !== 0);
    await call('auth:validate', {});
    const current = runtime.getState();
    if (current.authenticated) {
      // Another session of the same user, revoked by id with the password.
      const other = runtime.sessions.createSession({
        userId: current.user.id,
        rememberMe: n % 2 === 0,
      });
      await call('auth:revoke-session', {
        sessionId: other.session.id,
        password: PASSWORDS[password],
      });
      await call('auth:sessions', {});
      if (n % 4 === 0) {
        const next = 1 - password;
        const changed = await call('auth:change-password', {
          currentPassword: PASSWORDS[password],
          newPassword: PASSWORDS[next],
          signOutOtherSessions: n % 8 === 0,
        });
        if (changed.ok) password = next;
      }
      await call('auth:revoke-other-sessions', {});
    }
    if (n % 5 === 0) await runtime.runCleanup();
    if (n % 2 === 0) await call('auth:logout', {});
    else await signIn(n % 3 === 0);
  }
}

main().catch((error: unknown) => {
  say({ crashed: error instanceof Error ? `${error.name}: ${error.message}` : 'error' });
  process.exitCode = 1;
});
