import { UserQueries } from '../../core/accounts/user-queries';
import { EXIT } from '../cli-args';
import {
  answer,
  auditOf,
  CLI_ACTOR,
  notFound,
  sessionsOf,
  type CommandRunner,
} from '../cli-context';
import { plural, printable } from '../output';

/** `revoke-user <name>`: ends every session of one account; audited. */
export const revokeUser: CommandRunner = async (c) => {
  const name = c.args.positional[0]!;
  const user = new UserQueries(c.db).byName.get(name);
  if (!user) return notFound(c, `No account named ${printable(name)}.`);
  const audit = await auditOf(c);
  const count = sessionsOf(c).revokeUserSessions(user.id);
  audit.record({ event: 'sessions-revoked', userId: user.id, details: { count, by: CLI_ACTOR } });
  if (c.args.json) return answer(c, { ok: true, revoked: count, userId: user.id });
  c.io.stdout.write(`Revoked ${plural(count, 'session')} of ${printable(name)}.\n`);
  return EXIT.ok;
};
