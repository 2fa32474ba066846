import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountService } from '../../../src/core/accounts/account-service';
import { UserQueries } from '../../../src/core/accounts/user-queries';
import { DEFAULT_CONFIG } from '../../../src/core/config';
import { migratedDb } from '../../helpers/db';
import { PASSWORD, TEST_ARGON2 } from '../../helpers/runtime';

afterEach(() => {
  vi.restoreAllMocks();
});

function service() {
  const { db } = migratedDb();
  const accounts = new AccountService({ db, argon2: TEST_ARGON2, lockout: DEFAULT_CONFIG.lockout });
  return { db, accounts };
}

describe('AccountService.warmUp', () => {
  it('reads no hash in the caller’s turn (a startup is not held up by it), then every one', async () => {
    const { db, accounts } = service();
    expect(await accounts.register('ada', PASSWORD)).toMatchObject({ ok: true });
    const hashes = vi.spyOn(UserQueries.prototype, 'hashes');
    const run = accounts.warmUp();
    expect(hashes).not.toHaveBeenCalled();
    await run;
    expect(hashes).toHaveBeenCalledTimes(1);
    db.close();
  });

  it('reads them again only when an account changed since the last run', async () => {
    const { db, accounts } = service();
    await accounts.warmUp();
    const hashes = vi.spyOn(UserQueries.prototype, 'hashes');
    await accounts.warmUp();
    expect(hashes).not.toHaveBeenCalled();
    expect(await accounts.register('ada', PASSWORD)).toMatchObject({ ok: true });
    await accounts.warmUp();
    expect(hashes).toHaveBeenCalledTimes(1);
    db.close();
  });

  it('does nothing (and does not throw) when the database closed before its turn', async () => {
    const { db, accounts } = service();
    const hashes = vi.spyOn(UserQueries.prototype, 'hashes');
    const run = accounts.warmUp();
    db.close();
    await expect(run).resolves.toBeUndefined();
    expect(hashes).not.toHaveBeenCalled();
  });
});
