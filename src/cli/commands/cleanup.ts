import { LoginThrottle } from '../../core/accounts/login-throttle';
import { DEFAULT_CONFIG } from '../../core/config';
import { cliAuditor, reply, sessionsOf, type CommandRunner } from '../cli-context';
import { plural } from '../output';

/** `cleanup`: deletes expired sessions and stale sign-in failure records now; audited. */
export const cleanup: CommandRunner = async (c) => {
  const record = await cliAuditor(c);
  const sessions = sessionsOf(c, (event) => {
    if (event.type === 'sessions-cleaned')
      record({ event: 'cleanup', details: { deleted: event.count } });
  });
  const deleted = await sessions.cleanupExpiredSessions();
  const forgotten = new LoginThrottle(c.db, DEFAULT_CONFIG.lockout).forgetStale(c.clock.now());
  return reply(
    c,
    { ok: true, deleted, staleThrottleRecords: forgotten },
    `Deleted ${plural(deleted, 'expired session')} and ${plural(forgotten, 'stale sign-in failure record')}.`,
  );
};
