import { LoginThrottle } from '../../core/accounts/login-throttle';
import { DEFAULT_CONFIG } from '../../core/config';
import { EXIT } from '../cli-args';
import { answer, auditOf, CLI_ACTOR, sessionsOf, type CommandRunner } from '../cli-context';
import { plural } from '../output';

/** `cleanup`: deletes expired sessions and stale sign-in failure records now; audited. */
export const cleanup: CommandRunner = async (c) => {
  const audit = await auditOf(c);
  const sessions = sessionsOf(c, (event) => {
    if (event.type === 'sessions-cleaned')
      audit.record({ event: 'cleanup', details: { deleted: event.count, by: CLI_ACTOR } });
  });
  const deleted = await sessions.cleanupExpiredSessions();
  const forgotten = new LoginThrottle(c.db, DEFAULT_CONFIG.lockout).forgetStale(c.clock.now());
  if (c.args.json) return answer(c, { ok: true, deleted, staleThrottleRecords: forgotten });
  c.io.stdout.write(
    `Deleted ${plural(deleted, 'expired session')} and ${plural(forgotten, 'stale sign-in failure record')}.\n`,
  );
  return EXIT.ok;
};
