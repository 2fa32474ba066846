import type { AppChannelDefinitions, AuthState, NoAppChannels } from '../../contract/contract';
import { AccountService } from '../accounts/account-service';
import { AuditLog } from '../audit/audit-log';
import { lastRevocationActor } from '../audit/audit-queries';
import { resolveConfig } from '../config';
import { migrate } from '../db/migrate';
import { resolveMigrationsDir } from '../db/migrations-dir';
import { openDatabase, type Db } from '../db/open-database';
import { describeError } from '../errors/describe-error';
import { DiskError, diskProblemOf } from '../errors/disk-error';
import { prepareDataDir } from '../persistence/data-dir';
import { SessionFile } from '../persistence/session-file';
import { readStoragePin } from '../persistence/storage-pin';
import { boundSecretStore, silentLogger, systemClock } from '../ports';
import { ProfileService } from '../profile/profile-service';
import { SessionManager } from '../sessions/session-manager';
import { AppChannelRegistry } from './app-channel-registry';
import { createAuditTrail, type RecordWith } from './audit-trail';
import { createAuthHandlers } from './auth-handlers';
import { NotAuthenticatedError } from './channel-errors';
import { CurrentSession } from './current-session';
import { defaultDeviceName } from './device-name';
import { createDispatcher } from './dispatch';
import { importLegacyAtStartup } from './legacy-startup';
import { Maintenance } from './maintenance';
import { createProtectedCall, protectedContextOf } from './protected-dispatch';
import { restoreSession } from './restore';
import { probeSecretStorage } from './secret-storage';
import { SerialQueue } from './serial-queue';
import { StatePublisher } from './state-publisher';
import { handleSystemEvent } from './system-events';
import type { SessionRuntime, SessionRuntimeOptions } from './types';

export { ChannelError, NotAuthenticatedError, type ChannelErrorCode } from './channel-errors';
export type { ProtectedContext, ProtectedHandler } from './protected-types';
export type { SessionRuntime, SessionRuntimeOptions, SystemEvent } from './types';

/**
 * Opens the database in `dataDir` (migrating it), restores a remembered session from
 * `session.enc`, starts the background maintenance and returns the runtime. Startup never fails
 * because of `session.enc` or the keyring; it fails only when the database cannot be opened (one
 * from a newer app: `DatabaseFromFutureError`) or the data directory cannot be written
 * (`DiskError`, code `DISK_FULL`, `DISK_READ_ONLY` or `DISK_IO`); nothing is left open then.
 * `appChannels` with a bad name throws before anything is opened.
 */
export async function createSessionRuntime<D extends AppChannelDefinitions = NoAppChannels>(
  options: SessionRuntimeOptions<D>,
): Promise<SessionRuntime<D>> {
  const registry = new AppChannelRegistry(options.appChannels);
  let db: Db | null = null;
  try {
    const logger = options.logger ?? silentLogger;
    db = openDatabase(prepareDataDir(options.dataDir, logger));
    migrate(db, resolveMigrationsDir(options.migrationsDir));
    return (await compose(options, db, registry)) as SessionRuntime<D>;
  } catch (error) {
    if (db?.open) db.close();
    const problem = diskProblemOf(error, options.dataDir);
    if (problem) throw new DiskError(problem, options.dataDir, { cause: error });
    throw error;
  }
}

async function compose(
  options: SessionRuntimeOptions<AppChannelDefinitions>,
  db: Db,
  registry: AppChannelRegistry,
): Promise<SessionRuntime<AppChannelDefinitions>> {
  const { dataDir } = options;
  const config = resolveConfig(options.config);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const secretStore = boundSecretStore(options.secretStore, config.secretStoreTimeoutMs);
  const probe = () => probeSecretStorage(secretStore, config.allowWeakSecretStorage, logger);
  let storage = await probe();

  const auditLog = await AuditLog.open({
    db,
    dataDir,
    clock,
    logger,
    secretStore,
    secure: storage.persistent,
  });
  const record = createAuditTrail(auditLog, logger);
  const recordWith: RecordWith = (eventOf, work) => auditLog.recordWith(eventOf, work);
  // Before the accounts learn their hash parameters and before the restore. Never throws.
  if (options.legacyDatabase !== undefined) {
    const file = options.legacyDatabase;
    await importLegacyAtStartup({ db, auditLog, clock, logger, file, dataDir });
  }
  const sessions = new SessionManager({
    db,
    clock,
    config,
    onEvent: (event) =>
      event.type === 'session-expired'
        ? record('session-expired', event.userId, event.sessionId, { reason: event.reason })
        : record('cleanup', null, null, { deleted: event.count }),
  });
  const accounts = new AccountService({
    db,
    clock,
    argon2: config.argon2,
    lockout: config.lockout,
  });
  void accounts.warmUp();
  const sessionFile = new SessionFile(dataDir, secretStore);
  const publisher = new StatePublisher(logger);
  const current = new CurrentSession({
    sessions,
    accounts,
    sessionFile,
    record,
    clock,
    logger,
    dataDir,
    device: options.device ?? defaultDeviceName(),
    rememberForMs: config.rememberedLifetimeMs,
    revokedBy: (session) => lastRevocationActor(db, session.id, session.userId, session.createdAt),
    publish: (state) => publisher.publish(state),
    storage: { get: () => storage, refresh: async () => (storage = await probe()) },
    recordWith,
  });

  const pinned = readStoragePin(dataDir);
  if (pinned !== null && pinned !== storage.backend)
    record('storage-backend-changed', null, null, { from: pinned, to: storage.backend });
  await restoreSession({ current, accounts, sessions, sessionFile, record, storage, pinned });
  publisher.settle(current.state());

  const queue = new SerialQueue();
  let closed = false;
  const handlers = createAuthHandlers({
    recordWith,
    current,
    sessions,
    accounts,
    record,
    clock,
    windowMs: config.reauthWindowMs,
    lockout: config.lockout,
  });
  const protectedCall = createProtectedCall({ registry, current, logger });
  const invoke = createDispatcher({
    ...{ handlers, registry, protectedCall, queue, logger, dataDir },
    isClosed: () => closed,
  });

  const refresh = (): Promise<AuthState> => {
    if (closed) return Promise.resolve(current.state());
    return queue
      .run(() => {
        current.recheck({ touch: false });
        return current.state();
      })
      .catch((error: unknown) => {
        if (!closed) logger.error('session check failed', { error: describeError(error) });
        return current.state();
      });
  };

  const maintenance = new Maintenance({
    logger,
    recheckEveryMs: config.externalChangePollMs,
    cleanupEveryMs: config.cleanupIntervalMs,
    recheck: async () => (current.get() ? refresh() : undefined),
    cleanup: async (signal) => {
      // Each batch is one task of the queue: requests interleave with a long cleanup.
      const runBatch = <T>(batch: () => T): Promise<T> => queue.run(batch);
      const deleted = await sessions.cleanupExpiredSessions({ signal, runBatch });
      if (!closed) await queue.run(() => accounts.forgetStaleFailures());
      // Another process (an import, the CLI) may have stored hashes with other parameters.
      if (!closed) void accounts.warmUp();
      return deleted;
    },
    verify: async () => {
      // Logged, never thrown: a failing chain stops nobody from signing in.
      const result = await auditLog.verify();
      const { outcome, summary, findings, action } = auditLog.explain(result);
      const fields = { ...result, summary, findings, action };
      if (outcome === 'failed') logger.error('audit log verification FAILED', fields);
      else if (outcome === 'not-clean') logger.warn('audit log verified, NOT clean', fields);
      else logger.info('audit log verified', fields);
    },
  });
  maintenance.start();

  return {
    invoke: invoke as SessionRuntime<AppChannelDefinitions>['invoke'],
    protect: (channel, handler) => registry.protect(channel, handler as never),
    authorize: async () => {
      const c = closed ? null : current.recheck({ touch: false });
      if (!c) throw new NotAuthenticatedError();
      return protectedContextOf(c);
    },
    appChannels: registry.definitions,
    onStateChanged: (listener) => publisher.subscribe(listener),
    getState: () => current.state(),
    refresh,
    runCleanup: () => (closed ? Promise.resolve(0) : maintenance.cleanup()),
    setUserActive: (userId, active) =>
      queue.run(() => {
        // The change and its audit row commit together: a log that cannot be written undoes it.
        const ended = recordWith(
          (endedSessions: number) => ({
            event: active ? 'account-activated' : 'account-deactivated',
            userId,
            details: { endedSessions },
          }),
          () => {
            if (!accounts.setActive(userId, active))
              throw new Error(`No account with id ${userId}`);
            return active ? 0 : sessions.revokeUserSessions(userId);
          },
        );
        const c = current.get();
        if (!active && c?.userId === userId)
          current.end(c, { reason: 'account-disabled', destroy: false });
        return ended;
      }),
    handleSystemEvent: async (event) => {
      if (closed) return;
      await queue.run(() =>
        handleSystemEvent(event, {
          current,
          record,
          endStandardOnLock: config.endStandardSessionOnLock,
        }),
      );
      if (event === 'resume' || event === 'unlock-screen') await refresh();
    },
    sessions,
    accounts,
    profiles: new ProfileService({ db, clock, recordWith }),
    audit: { verify: () => auditLog.verify() },
    config,
    close: async () => {
      if (closed) return;
      closed = true;
      // Synchronously first: a Windows shutdown may end the process before anything awaited
      // runs, and a session whose token lives only in memory must not stay as a live row.
      current.endAtQuit();
      await maintenance.stop();
      await queue.drain();
      current.endAtQuit(); // a sign-in that was in flight may have finished meanwhile
      publisher.clear();
      if (db.open) db.close();
    },
  };
}
