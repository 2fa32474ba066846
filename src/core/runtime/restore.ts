import type { SignedOutReason, StorageStatus } from '../../contract/contract';
import type { AccountService } from '../accounts/account-service';
import type { AuditDetails } from '../audit/audit-types';
import { describeError } from '../errors/describe-error';
import type { SessionFile } from '../persistence/session-file';
import { writeStoragePin } from '../persistence/storage-pin';
import type { SessionManager } from '../sessions/session-manager';
import type { InvalidReason } from '../sessions/session-types';
import type { RecordEvent } from './audit-trail';
import type { CurrentSession } from './current-session';

/** What {@link restoreSession} works with. */
export interface RestoreDeps {
  current: CurrentSession;
  accounts: AccountService;
  sessions: SessionManager;
  sessionFile: SessionFile;
  record: RecordEvent;
  /** The keyring now. */
  storage: StorageStatus;
  /** The backend that last wrote a secret for this profile, if known. */
  pinned: string | null;
}

/**
 * Restores a remembered session from session.enc at startup: valid means signed in with the same
 * session. Anything else starts signed out, audited with the reason; the file is discarded unless
 * the failure may pass (the keyring is unavailable or locked, the disk hiccuped), so that the next
 * start can try again, and a discarded file takes the session row it names with it (nobody holds
 * that token any more, so it must not stay listed as a live session). Never throws for what sits
 * at the path: a directory, a link or a device is set aside, never read through. When the store says the file was
 * encrypted under a key it no longer encrypts with, the file is rewritten under the current key
 * (only while storage is secure: never under a weak key).
 */
export async function restoreSession(deps: RestoreDeps): Promise<void> {
  const { current, sessionFile, record, storage, pinned } = deps;
  const failed = (reason: SignedOutReason, details: AuditDetails, keep = false): void => {
    const named = keep ? null : sessionFile.namedSessionId();
    const discarded = keep ? 'kept' : sessionFile.discard();
    record('session-restore-failed', null, named, { ...details, kept: keep, file: discarded });
    if (named) endNamedSession(deps, named, reason);
    current.signedOut(reason);
  };
  // With the keyring down the store is not asked: a sound file is kept for the next start (the
  // keyring may come back). What the file's shape tells is decided without it.
  const keyringDown = !storage.persistent && storage.reason === 'unavailable';
  const content = await sessionFile.read({ decrypt: !keyringDown });
  switch (content.kind) {
    case 'missing':
      return;
    case 'not-a-file':
      return failed('restore-failed', { reason: 'not-a-file', what: content.what });
    case 'corrupt':
      return failed('restore-failed', { reason: 'corrupt', detail: content.detail });
    case 'legacy-format':
      // An earlier release's file never restores (its sessions are not imported).
      return failed('restore-failed', { reason: 'legacy-format' });
    case 'unreadable':
      // A disk or permission hiccup is not bad content: the file may restore next time.
      return failed('restore-failed', { reason: 'unreadable', code: content.code }, true);
    case 'unsupported-version':
      return failed('restore-failed', {
        reason: 'unsupported-version',
        version: String(content.version),
      });
    case 'undecryptable': {
      if (content.transient)
        return failed('storage-unavailable', { reason: 'storage-unavailable' }, true);
      const from = content.header.backend;
      const changed = from !== storage.backend || (pinned !== null && pinned !== storage.backend);
      return changed
        ? failed('storage-changed', { reason: 'storage-changed', from, to: storage.backend })
        : failed('restore-failed', { reason: 'undecryptable' });
    }
    case 'token': {
      const result = current.validateActive(content.token);
      if (!result.valid) return failed(signedOutReasonOf(result.reason), { reason: result.reason });
      const user = deps.accounts.findById(result.userId);
      current.adopt({
        token: content.token,
        userId: result.userId,
        username: result.username,
        session: result.session,
        persisted: true,
        reauthAt: Number.NEGATIVE_INFINITY,
        passwordChangedAt: user?.passwordChangedAt ?? 0,
      });
      const details = content.shouldReEncrypt ? await reEncrypt(deps, content.token) : undefined;
      record('session-restored', result.userId, result.session.id, details);
      return;
    }
  }
}

/**
 * Rewrites session.enc under the store's current key, for the audit row of the restore. A failure
 * keeps the old file, which still decrypts.
 */
async function reEncrypt(deps: RestoreDeps, token: string): Promise<AuditDetails> {
  const { sessionFile, storage } = deps;
  if (!storage.persistent) return { reEncrypted: false, reason: 'no-secure-storage' };
  try {
    await sessionFile.write(token, storage.backend);
    writeStoragePin(sessionFile.dataDir, storage.backend);
    return { reEncrypted: true, backend: storage.backend };
  } catch (error) {
    return { reEncrypted: false, error: describeError(error) };
  }
}

/** Ends the session a discarded file named, if it is still live: its token is gone. */
function endNamedSession(deps: RestoreDeps, sessionId: string, reason: SignedOutReason): void {
  const target = deps.sessions.getSessionMetadata(sessionId);
  if (!target || !deps.sessions.destroySession(sessionId)) return;
  deps.record('sign-out', target.userId, sessionId, {
    reason: 'session-file-discarded',
    cause: reason,
  });
}

function signedOutReasonOf(invalid: InvalidReason): SignedOutReason {
  if (invalid === 'expired' || invalid === 'idle-timeout') return invalid;
  return invalid === 'user-inactive' ? 'account-disabled' : 'revoked';
}
