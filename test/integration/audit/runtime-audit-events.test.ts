import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEventType } from '../../../src/core/audit/audit-types';
import { openDatabase } from '../../../src/core/db/open-database';
import { FakeSecretStore } from '../../fakes/fake-secret-store';
import { PASSWORD, TestProfile } from '../../helpers/runtime';
import { auditRows } from '../../helpers/audit';

describe('runtime audit events', () => {
  it('records every session event, with UTC times and no secrets', async () => {
    const profile = new TestProfile();
    let runtime = await profile.start();
    // A second instance on the same profile, started before anything is remembered.
    const b = await profile.start();
    await runtime.invoke('auth:register', {
      username: 'ada',
      password: PASSWORD,
      rememberMe: true,
    });
    await runtime.invoke('auth:logout', {});
    await runtime.invoke('auth:login', { username: 'ada', password: 'wrong wrong wrong' });
    for (let i = 0; i < 4; i += 1)
      await runtime.invoke('auth:login', { username: 'ada', password: 'wrong wrong wrong' });
    profile.clock.advance(60_000);
    await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD, rememberMe: true });
    await runtime.close();
    await b.invoke('auth:login', { username: 'ada', password: PASSWORD });
    runtime = await profile.start();
    const otherId = (b.getState() as { session: { id: string } }).session.id;
    await runtime.invoke('auth:revoke-session', { sessionId: otherId, password: PASSWORD });
    await runtime.invoke('auth:revoke-other-sessions', {});
    profile.clock.advance(60_000);
    await runtime.invoke('auth:change-password', {
      currentPassword: PASSWORD,
      newPassword: 'another good passphrase',
    });
    profile.clock.advance(30 * 24 * 3_600_000);
    await runtime.invoke('auth:validate', {});
    await runtime.runCleanup();
    await runtime.close();
    await b.close();

    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    const rows = auditRows(db);
    db.close();
    const events = new Set(rows.map((r) => r.event as AuditEventType));
    for (const expected of [
      'account-created',
      'sign-in',
      'sign-out',
      'sign-in-failed',
      'lock-out',
      'session-restored',
      'session-revoked',
      'sessions-revoked',
      'password-changed',
      'session-expired',
    ] as AuditEventType[]) {
      expect(events.has(expected), expected).toBe(true);
    }
    expect(rows.every((r) => Number.isInteger(r.at) && r.at > Date.UTC(2020, 0, 1))).toBe(true);
    const all = JSON.stringify(rows);
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('another good passphrase');
    expect(all).not.toContain('wrong wrong wrong');
    expect(all).not.toMatch(/[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}/);
    expect(all).not.toContain('$argon2id$');
  });

  it('verifies at startup and logs the result', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await new Promise((resolve) => setImmediate(resolve));
    await expect
      .poll(() => profile.logger.lines.some((l) => l.message === 'audit log verified'))
      .toBe(true);
    expect(await runtime.audit.verify()).toMatchObject({ ok: true, clean: true, keyed: true });
  });

  it('logs a log that is not clean as such at startup, saying what the counts mean and what to do', async () => {
    const profile = new TestProfile({ store: new FakeSecretStore(undefined, 'basic_text') });
    let runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.close();
    runtime = await profile.start();
    await expect
      .poll(() => profile.logger.lines.find((l) => l.message === 'audit log verified, NOT clean'))
      .toMatchObject({
        level: 'warn',
        fields: {
          ok: true,
          clean: false,
          beforeKey: expect.any(Number),
          summary: expect.stringMatching(/^Audit chain OK, NOT clean: \d+ rows checked/),
          findings: [expect.stringMatching(/written before this profile had an audit key/)],
          action: expect.stringMatching(/ran without secure storage/),
        },
      });
    expect(await runtime.audit.verify()).toMatchObject({ ok: true, clean: false, keyed: false });
  });

  it('a failing chain never stops a sign-in', async () => {
    const profile = new TestProfile();
    let runtime = await profile.start();
    await runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });
    await runtime.close();
    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    db.prepare('DELETE FROM audit_log WHERE seq = 1').run();
    db.close();
    runtime = await profile.start();
    await expect
      .poll(() => profile.logger.lines.find((l) => l.message === 'audit log verification FAILED'))
      .toMatchObject({
        level: 'error',
        fields: {
          ok: false,
          firstBadSeq: 1,
          action: expect.stringMatching(/treat its events from row 1 on as untrustworthy/),
        },
      });
    expect(
      await runtime.invoke('auth:login', { username: 'ada', password: PASSWORD }),
    ).toMatchObject({ ok: true });
  });
});
