import {
  fail,
  ok,
  type AuthState,
  type InvokeChannel,
  type IpcResult,
  type RequestOf,
  type ResponseOf,
} from '../../contract/contract';
import type { AccountService } from '../accounts/account-service';
import type { User } from '../accounts/account-types';
import type { SessionManager } from '../sessions/session-manager';
import type { RecordEvent, RecordWith } from './audit-trail';
import { reauthenticate, refuseCredentials, type ReauthDeps } from './credentials';
import { toView, type CurrentSession } from './current-session';

/** One handler per auth channel: a validated request in, an envelope out. */
export type AuthHandlers = {
  [C in InvokeChannel]: (request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>;
};

/** What the auth handlers work with. */
export interface AuthHandlerDeps extends ReauthDeps {
  current: CurrentSession;
  sessions: SessionManager;
  accounts: AccountService;
  record: RecordEvent;
  recordWith: RecordWith;
}

const BAD_CREDENTIALS = 'Incorrect username or password';

/**
 * The auth channels. Each runs as one task of the runtime's serial queue; an expected refusal is
 * an envelope (`fail`), anything thrown is unexpected and becomes `INTERNAL` in the dispatcher.
 */
export function createAuthHandlers(deps: AuthHandlerDeps): AuthHandlers {
  const { current, sessions, accounts, record } = deps;
  const state = (): IpcResult<AuthState> => ok(current.state());

  return {
    'auth:register': async (request) => {
      // The account and its event commit together.
      const commit = (insert: () => User): User =>
        deps.recordWith((user) => ({ event: 'account-created', userId: user.id }), insert);
      const registered = await accounts.register(request.username, request.password, commit);
      if (!registered.ok) return fail(registered.code, registered.message);
      await current.begin(registered.user, request.rememberMe === true);
      return state();
    },

    'auth:login': async (request) => {
      const check = await accounts.authenticate(request.username, request.password);
      if (!check.ok) return refuseCredentials(check, BAD_CREDENTIALS, 'sign-in', deps);
      // The password may have changed (or the account been disabled) while it was being checked.
      const began = await current.begin(
        check.user,
        request.rememberMe === true,
        check.stillCurrent,
      );
      return began ? state() : fail('INVALID_CREDENTIALS', BAD_CREDENTIALS);
    },

    'auth:validate': async () => {
      current.recheck({ touch: true });
      return state();
    },

    'auth:logout': async () => {
      const c = current.get();
      if (c) current.end(c, { reason: 'signed-out', destroy: true });
      else current.signedOut('signed-out');
      return state();
    },

    'auth:sessions': async () => {
      const c = current.require();
      if (!c.ok) return c;
      const list = sessions.getUserSessions(c.value.userId);
      return ok({ sessions: list.map((s) => toView(s, c.value.session.id)) });
    },

    'auth:revoke-session': async (request) => {
      const c = current.require();
      if (!c.ok) return c;
      const me = c.value;
      if (request.sessionId === me.session.id) {
        current.end(me, { reason: 'signed-out', destroy: true });
        return ok({ revoked: true });
      }
      const refused = await reauthenticate(me, request.password, deps);
      if (refused) return refused;
      const target = sessions.getSessionMetadata(request.sessionId);
      if (!target || target.userId !== me.userId || !target.active)
        return fail('NOT_FOUND', 'That session has already ended.');
      const revoked = sessions.destroySession(target.id);
      record('session-revoked', me.userId, target.id, { by: me.session.id });
      return ok({ revoked });
    },

    'auth:revoke-other-sessions': async (request) => {
      const c = current.require();
      if (!c.ok) return c;
      const refused = await reauthenticate(c.value, request.password, deps);
      if (refused) return refused;
      const revoked = sessions.revokeUserSessions(c.value.userId, c.value.session.id);
      record('sessions-revoked', c.value.userId, null, { count: revoked, by: c.value.session.id });
      return ok({ revoked });
    },

    'auth:change-password': async (request) => {
      const c = current.require();
      if (!c.ok) return c;
      const me = c.value;
      const { currentPassword, newPassword } = request;
      // The other sessions end in the transaction that stores the new hash.
      const endOthers = (): number =>
        request.signOutOtherSessions === false
          ? 0
          : sessions.revokeUserSessions(me.userId, me.session.id);
      const changed = await accounts.changePassword(
        me.userId,
        currentPassword,
        newPassword,
        endOthers,
      );
      if (!changed.ok) {
        if (changed.code === 'INVALID_CREDENTIALS' || changed.code === 'RATE_LIMITED')
          return refuseCredentials(changed, 'Incorrect current password', 'change-password', deps);
        return fail(changed.code, changed.message);
      }
      me.reauthAt = deps.clock.now();
      me.passwordChangedAt = changed.user.passwordChangedAt;
      const revokedSessions = changed.revoked;
      record('password-changed', me.userId, me.session.id, { revokedSessions });
      return ok({ revokedSessions });
    },
  };
}
