import { isSessionId } from '../../core/sessions/token';
import { CliError, EXIT } from '../cli-args';
import {
  answer,
  auditOf,
  CLI_ACTOR,
  notFound,
  sessionsOf,
  type CommandRunner,
} from '../cli-context';

/** `revoke <sessionId>`: ends one session; audited like the app does it. */
export const revoke: CommandRunner = async (c) => {
  const sessionId = c.args.positional[0]!;
  if (!isSessionId(sessionId))
    throw new CliError(
      EXIT.usage,
      'revoke takes a session id (a lower-case UUID v4, as `list` shows it).',
    );
  const audit = await auditOf(c);
  const sessions = sessionsOf(c);
  const target = sessions.getSessionMetadata(sessionId);
  if (!target || !sessions.destroySession(sessionId))
    return notFound(c, `No session ${sessionId}.`);
  // Like the app: the change commits, then its audit row (which also moves the chain anchor).
  audit.record({
    event: 'session-revoked',
    userId: target.userId,
    sessionId,
    details: { by: CLI_ACTOR },
  });
  if (c.args.json) return answer(c, { ok: true, revoked: 1, sessionId });
  c.io.stdout.write(`Revoked session ${sessionId}.\n`);
  return EXIT.ok;
};
