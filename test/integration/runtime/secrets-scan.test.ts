import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/core/db/open-database';
import { PASSWORD, TestProfile } from '../../helpers/runtime';

const PASSWORDS = [
  PASSWORD,
  'second secret passphrase',
  'a wrong guess here',
  'third: ünïcödé 🔑 pass',
];

describe('no password or raw secret at rest or in logs', () => {
  it('scans the database, its WAL, every file in the data dir, the audit table and the log', async () => {
    const profile = new TestProfile();
    let runtime = await profile.start();
    // Every step must succeed, or the scan below would cover less than it claims.
    const step = async (channel: string, payload: unknown, expectOk = true) => {
      const result = await runtime.invoke(channel, payload);
      expect(result.ok, `${channel} ${result.ok ? '' : result.error.code}`).toBe(expectOk);
    };
    await step('auth:register', { username: 'ada', password: PASSWORDS[0], rememberMe: true });
    await step('auth:login', { username: 'ada', password: PASSWORDS[2] }, false);
    await step('auth:login', { username: 'ada', password: PASSWORDS[0], rememberMe: true });
    await step('auth:change-password', {
      currentPassword: PASSWORDS[0],
      newPassword: PASSWORDS[1],
    });
    await step('auth:revoke-other-sessions', { password: PASSWORDS[2] }, false);
    await runtime.close();
    runtime = await profile.start();
    await step('auth:change-password', {
      currentPassword: PASSWORDS[1],
      newPassword: PASSWORDS[3],
    });
    await step('auth:logout', {});
    await step('auth:login', { username: 'ada', password: PASSWORDS[3], rememberMe: true });
    const walBeforeCheckpoint = fs.readFileSync(path.join(profile.dir, 'sessions.db-wal'));
    await runtime.close();

    // The tokens ever minted for session.enc, taken from what the secret store was asked to encrypt.
    const tokens = profile.store.plaintexts
      .filter((p) => p.startsWith('{'))
      .map((p) => (JSON.parse(p) as { token?: string }).token)
      .filter((t): t is string => typeof t === 'string');
    expect(tokens.length).toBeGreaterThanOrEqual(3);

    const db = openDatabase(path.join(profile.dir, 'sessions.db'));
    const audit = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();

    const images: Array<[string, Buffer]> = [
      ['wal before checkpoint', walBeforeCheckpoint],
      ['audit table', Buffer.from(audit)],
      ['log', Buffer.from(profile.logger.text())],
    ];
    for (const name of fs.readdirSync(profile.dir))
      images.push([name, fs.readFileSync(path.join(profile.dir, name))]);
    expect(images.map(([name]) => name)).toEqual(
      expect.arrayContaining(['sessions.db', 'session.enc', 'audit-anchor.json', 'audit-key.enc']),
    );

    const needles: Array<[string, Buffer]> = [];
    for (const password of PASSWORDS)
      needles.push([`password ${password}`, Buffer.from(password, 'utf8')]);
    for (const token of tokens) {
      needles.push(['token', Buffer.from(token)]);
      needles.push(['secret text', Buffer.from(token.slice(37))]);
      needles.push(['secret bytes', Buffer.from(token.slice(37), 'base64url')]);
    }
    for (const [imageName, image] of images) {
      for (const [needleName, needle] of needles) {
        expect(image.includes(needle), `${needleName} found in ${imageName}`).toBe(false);
      }
    }
    // Password hashes live in the users table, and nowhere else.
    for (const [imageName, image] of images) {
      if (imageName.startsWith('sessions.db') || imageName === 'wal before checkpoint') continue;
      expect(image.includes(Buffer.from('$argon2id$')), `hash in ${imageName}`).toBe(false);
    }
  });
});
