import { LoginThrottle } from '../../core/accounts/login-throttle';
import { UserQueries } from '../../core/accounts/user-queries';
import { auditSummary } from '../../core/audit/audit-queries';
import { DEFAULT_CONFIG } from '../../core/config';
import { countSessions } from '../../core/sessions/session-queries';
import { EXIT } from '../cli-args';
import { answer, type CommandRunner } from '../cli-context';
import { iso } from '../output';

/** `stats`: counts of users, sessions and audit rows. */
export const stats: CommandRunner = async (c) => {
  const now = c.clock.now();
  const { db } = c;
  const sessions = countSessions(db, now);
  const audit = auditSummary(db);
  const report = {
    dataDir: c.dataDir,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    databaseBytes:
      (db.pragma('page_count', { simple: true }) as number) *
      (db.pragma('page_size', { simple: true }) as number),
    users: {
      ...new UserQueries(db).counts(),
      lockedOut: new LoginThrottle(db, DEFAULT_CONFIG.lockout).countLocked(now),
    },
    sessions: {
      total: sessions.total,
      active: sessions.active,
      expiredNotYetRemoved: sessions.expired,
      remembered: sessions.remembered,
    },
    audit: { rows: audit.rows, lastSeq: audit.lastSeq, lastAt: iso(audit.lastAt) },
  };
  if (c.args.json) return answer(c, { ok: true, stats: report });
  const { users, audit: log } = report;
  c.io.stdout.write(
    [
      `data directory   ${report.dataDir}`,
      `schema version   ${report.schemaVersion}`,
      `database size    ${(report.databaseBytes / 1024 / 1024).toFixed(1)} MiB`,
      `users            ${users.total} (${users.active} active, ${users.lockedOut} locked out now)`,
      `sessions         ${sessions.total} in the table: ${sessions.active} active (${sessions.remembered} remembered), ${sessions.expired} expired and not yet removed`,
      `audit log        ${log.rows} rows${log.lastSeq === null ? '' : `, last #${log.lastSeq} at ${log.lastAt}`}`,
      '',
    ].join('\n'),
  );
  return EXIT.ok;
};
