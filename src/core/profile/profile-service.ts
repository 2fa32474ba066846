import type { Statement } from 'better-sqlite3';
import type { Profile } from '../../contract/profile-channels';
import { cleanDisplayName, displayNameProblem } from '../../contract/profile-rules';
import type { Db } from '../db/open-database';
import type { Clock } from '../ports';
import type { RecordWith } from '../runtime/audit-trail';
import { ChannelError } from '../runtime/channel-errors';

/** What {@link ProfileService} works with. */
export interface ProfileServiceDeps {
  db: Db;
  clock: Clock;
  /** Runs a change and records its audit event in one transaction. */
  recordWith: RecordWith;
}

/**
 * Display names, one per user (the `profiles` table). A display name is personal data (people
 * type their real name), so the audit log records that it changed, never the name: rows there
 * cannot be erased without breaking the chain, and the log outlives a name its owner replaced.
 */
export class ProfileService {
  private readonly byUser: Statement<[number], string>;
  private readonly upsert: Statement<[number, string, number]>;

  constructor(private readonly deps: ProfileServiceDeps) {
    this.byUser = deps.db
      .prepare<[number], string>('SELECT display_name FROM profiles WHERE user_id = ?')
      .pluck();
    this.upsert = deps.db.prepare(
      `INSERT INTO profiles (user_id, display_name, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET display_name = excluded.display_name, updated_at = excluded.updated_at`,
    );
  }

  /** The profile of `userId`; `displayName` is null until one is set. */
  get(userId: number): Profile {
    return { displayName: this.byUser.get(userId) ?? null };
  }

  /**
   * Sets the display name of `userId` (trimmed; see `displayNameProblem` for the rule, which a
   * `ChannelError('INVALID_INPUT')` enforces here too) and returns the new profile. The change
   * and its `profile-changed` event commit together; the same name again changes nothing.
   */
  update(userId: number, name: string, sessionId: string | null = null): Profile {
    const displayName = cleanDisplayName(name);
    const problem = displayNameProblem(displayName);
    if (problem) throw new ChannelError('INVALID_INPUT', `displayName: ${problem}`);
    this.deps.recordWith(
      (change) =>
        change && {
          event: 'profile-changed',
          userId,
          sessionId,
          details: { field: 'display-name', change },
        },
      () => {
        const before = this.byUser.get(userId);
        if (before === displayName) return null;
        this.upsert.run(userId, displayName, this.deps.clock.now());
        return before === undefined ? 'set' : 'replaced';
      },
    );
    return { displayName };
  }
}
