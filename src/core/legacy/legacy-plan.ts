import { foldName, toLegacyAccount } from './legacy-rows';
import type { TargetState } from './legacy-store';
import type {
  LegacyAccount,
  LegacyUserRow,
  MalformedRow,
  NameConflict,
  PresentAccount,
} from './legacy-types';

/** What an import will do, decided against the target as it is inside the import's transaction. */
export interface ImportPlan {
  /** The target has no accounts: the earlier ids are kept (the earlier app's other tables use them). */
  idsKept: boolean;
  /** In the order they are inserted (by earlier id), with the id each will have. */
  insert: Array<{ account: LegacyAccount; newId: number }>;
  alreadyPresent: PresentAccount[];
  conflicts: NameConflict[];
  malformed: MalformedRow[];
}

/**
 * Decides, for every earlier row, whether it is imported, skipped as malformed, already present
 * (an earlier import brought in this very account: same earlier id, name and creation time), or a
 * conflict: its name equals but for case a name already here, or that of an earlier account with
 * a lower id (which wins). Names are compared folded ({@link foldName}). New ids follow the
 * target's highest id in that order, which is what SQLite assigns.
 */
export function planImport(
  rows: readonly LegacyUserRow[],
  target: TargetState,
  now: number,
): ImportPlan {
  const idsKept = target.accounts === 0;
  const plan: ImportPlan = {
    idsKept,
    insert: [],
    alreadyPresent: [],
    conflicts: [],
    malformed: [],
  };
  const accounts: LegacyAccount[] = [];
  for (const row of rows) {
    const result = toLegacyAccount(row, now);
    if (result.ok) accounts.push(result.account);
    else plan.malformed.push(result.malformed);
  }
  accounts.sort((a, b) => a.legacyId - b.legacyId);
  const winners = new Map<string, LegacyAccount>();
  let nextId = target.maxId + 1;
  for (const account of accounts) {
    const fold = foldName(account.username);
    const here = target.byFold.get(fold);
    if (here) {
      const origin = target.imported.get(here.id);
      const same =
        origin !== undefined &&
        origin.legacyId === account.legacyId &&
        origin.legacyUsername === account.username &&
        origin.legacyCreatedAt === account.legacyCreatedAt;
      if (same)
        plan.alreadyPresent.push({
          oldId: account.legacyId,
          username: account.username,
          userId: here.id,
        });
      else
        plan.conflicts.push({
          oldId: account.legacyId,
          username: account.username,
          reason: 'name-taken',
          with: { oldId: null, userId: here.id, username: here.username },
        });
      continue;
    }
    const winner = winners.get(fold);
    if (winner) {
      plan.conflicts.push({
        oldId: account.legacyId,
        username: account.username,
        reason: 'case-duplicate',
        with: { oldId: winner.legacyId, userId: null, username: winner.username },
      });
      continue;
    }
    winners.set(fold, account);
    plan.insert.push({ account, newId: idsKept ? account.legacyId : nextId++ });
  }
  return plan;
}
