import { UserQueries } from '../../core/accounts/user-queries';
import { countSessions, listSessions } from '../../core/sessions/session-queries';
import { EXIT } from '../cli-args';
import { answer, notFound, type CommandRunner } from '../cli-context';
import { iso, printable, table } from '../output';

/** `list [--user <name>] [--limit <n>]`: sessions, newest activity first, never a token or hash. */
export const list: CommandRunner = async (c) => {
  const now = c.clock.now();
  let userId: number | undefined;
  if (c.args.user !== undefined) {
    userId = new UserQueries(c.db).byName.get(c.args.user)?.id;
    if (userId === undefined) return notFound(c, `No account named ${printable(c.args.user)}.`);
  }
  const limit = c.args.limit === 0 ? undefined : c.args.limit;
  const { total } = countSessions(c.db, now, { userId });
  const sessions = listSessions(c.db, { userId, limit }).map((s) => ({
    id: s.id,
    username: s.username,
    createdAt: iso(s.createdAt),
    lastActiveAt: iso(s.lastActiveAt),
    expiresAt: iso(s.expiresAt),
    idleExpiresAt: iso(s.idleExpiresAt),
    rememberMe: s.rememberMe,
    device: s.device,
    state: now < s.idleExpiresAt ? 'active' : 'expired',
  }));
  if (c.args.json) return answer(c, { ok: true, total, sessions });
  if (sessions.length === 0) {
    c.io.stdout.write('No sessions.\n');
    return EXIT.ok;
  }
  c.io.stdout.write(
    table(
      ['session id', 'user', 'state', 'remember', 'last active (UTC)', 'ends (UTC)', 'device'],
      sessions.map((s) => [
        s.id,
        printable(s.username),
        s.state,
        s.rememberMe ? 'yes' : 'no',
        s.lastActiveAt ?? '',
        s.idleExpiresAt ?? '',
        printable(s.device),
      ]),
    ),
  );
  if (total > sessions.length)
    c.io.stdout.write(`… ${total - sessions.length} more (use --limit 0 to list all)\n`);
  return EXIT.ok;
};
