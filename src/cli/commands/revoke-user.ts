import { UserQueries } from '../../core/accounts/user-queries';
import { cliAuditor, notFound, reply, sessionsOf, type CommandRunner } from '../cli-context';
import { plural, printable } from '../output';

/** `revoke-user <name>`: ends every session of one account; audited. */
export const revokeUser: CommandRunner = async (c) => {
  const name = c.args.positional[0]!;
  const user = new UserQueries(c.db).byName.get(name);
  if (!user) return notFound(c, `No account named ${printable(name)}.`);
  const record = await cliAuditor(c);
  const count = sessionsOf(c).revokeUserSessions(user.id);
  record({ event: 'sessions-revoked', userId: user.id, details: { count } });
  return reply(
    c,
    { ok: true, revoked: count, userId: user.id },
    `Revoked ${plural(count, 'session')} of ${printable(name)}.`,
  );
};
