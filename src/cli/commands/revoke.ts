import { isSessionId } from '../../core/sessions/token';
import { CliError, EXIT } from '../cli-args';
import { cliAuditor, notFound, reply, sessionsOf, type CommandRunner } from '../cli-context';

/** `revoke <sessionId>`: ends one session; audited like the app does it. */
export const revoke: CommandRunner = async (c) => {
  const sessionId = c.args.positional[0]!;
  if (!isSessionId(sessionId))
    throw new CliError(
      EXIT.usage,
      'revoke takes a session id (a lower-case UUID v4, as `list` shows it).',
    );
  const record = await cliAuditor(c);
  const sessions = sessionsOf(c);
  const target = sessions.getSessionMetadata(sessionId);
  if (!target || !sessions.destroySession(sessionId))
    return notFound(c, `No session ${sessionId}.`);
  // Like the app: the change commits, then its audit row (which also moves the chain anchor).
  record({ event: 'session-revoked', userId: target.userId, sessionId });
  return reply(c, { ok: true, revoked: 1, sessionId }, `Revoked session ${sessionId}.`);
};
