import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import util from 'node:util';
import nodeLog from 'electron-log/node';
import { describe, expect, it } from 'vitest';
import { setupLogging } from '../../../electron/main/logging';
import { REDACTED, redactLogMessage, redactText, redactValue } from '../../../electron/main/redact';
import { hash as argon2Hash } from '@node-rs/argon2';
import { tempDir } from '../../helpers/temp-dir';

// Realistic secrets, made the way the app makes them.
const SESSION_ID = crypto.randomUUID();
const SECRET = crypto.randomBytes(32).toString('base64url');
const TOKEN = `${SESSION_ID}.${SECRET}`;
const TOKEN_HASH = crypto.createHash('sha256').update(SECRET).digest('hex');
const AUDIT_MAC = crypto.createHmac('sha256', crypto.randomBytes(32)).update('row').digest('hex');
const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'Tr0ub4dor&3 but much longer';
const ARGON2 = await argon2Hash(PASSWORD, { memoryCost: 1024, timeCost: 1, parallelism: 1 });

const SECRETS = [
  TOKEN,
  SECRET,
  TOKEN_HASH,
  AUDIT_MAC,
  PASSWORD,
  NEW_PASSWORD,
  ARGON2,
  ARGON2.split('$').pop()!,
];

function expectClean(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  // No fragment of the password survives either.
  expect(text).not.toMatch(/horse|battery|staple|Tr0ub4dor/);
}

/** Things the app (or a careless caller, or a dependency) might log. */
function realisticLines(): unknown[][] {
  return [
    [`restored session ${TOKEN} from disk`],
    ['login request', { username: 'ada', password: PASSWORD, rememberMe: true }],
    ['change password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD }],
    ['row', { id: SESSION_ID, token_hash: TOKEN_HASH, prev_hash: AUDIT_MAC, hash: AUDIT_MAC }],
    ['user', { user: { id: 1, username: 'ada', password_hash: ARGON2 } }],
    [`hash is ${ARGON2}`],
    [`audit head ${AUDIT_MAC} and secret ${SECRET}`],
    ['request body', JSON.stringify({ username: 'ada', password: PASSWORD })],
    [`GET app://renderer/index.html?token=${TOKEN}&password=${encodeURIComponent(PASSWORD)}`],
    [`password: ${PASSWORD}`],
    [new Error(`could not validate ${TOKEN}`)],
    ['nested', { a: [{ b: new Map([['token', TOKEN]]) }, { c: { d: `x ${TOKEN_HASH}` } }] }],
    ['binary', Buffer.from(PASSWORD)],
    ['cause', new Error('outer', { cause: new Error(`inner ${ARGON2}`) })],
  ];
}

describe('redaction', () => {
  it('removes tokens, passwords, argon2 strings and hex digests from realistic log arguments', () => {
    for (const line of realisticLines()) {
      const redacted = redactValue(line);
      expectClean(util.inspect(redacted, { depth: 10 }));
      expectClean(
        JSON.stringify(redacted, (_k, v: unknown) =>
          v instanceof Error ? `${v.name}: ${v.message} ${v.stack}` : v,
        ),
      );
    }
  });

  it('keeps what a reader needs: usernames, session ids, channels, reasons, counts', () => {
    const text = util.inspect(
      redactValue([
        'ipc: refused',
        {
          channel: 'auth:login',
          origin: 'https://evil.example',
          username: 'ada',
          sessionId: SESSION_ID,
          deleted: 42,
          reason: 'expired',
        },
      ]),
    );
    for (const kept of ['auth:login', 'https://evil.example', 'ada', SESSION_ID, '42', 'expired'])
      expect(text).toContain(kept);
  });

  it('marks what it removed', () => {
    expect(redactText(`t=${TOKEN}`)).toBe(`t=[token]`);
    expect(redactText(ARGON2)).toBe('[argon2-hash]');
    expect(redactText(`sha ${TOKEN_HASH}.`)).toBe('sha [hash].');
    expect(redactText(`?token=${TOKEN}&password=a b&next=1`)).toBe(
      `?token=${REDACTED}&password=${REDACTED}&next=1`,
    );
    expect(redactText(`{"newPassword":"${NEW_PASSWORD}","username":"ada"}`)).toBe(
      `{"newPassword":${REDACTED},"username":"ada"}`,
    );
    expect(redactValue({ password: 'x', keyed: true })).toEqual({
      password: REDACTED,
      keyed: true,
    });
  });

  it('copies instead of mutating, and survives cycles', () => {
    const input: Record<string, unknown> = { password: PASSWORD, list: [TOKEN] };
    input.self = input;
    const output = redactValue(input) as Record<string, unknown>;
    expect(input.password).toBe(PASSWORD);
    expect(output.self).toBe('[circular]');
    const error = new Error(TOKEN);
    redactValue(error);
    expect(error.message).toBe(TOKEN);
  });

  it('drops a message rather than write it unredacted when redaction fails', () => {
    const hostile = {
      get boom(): string {
        throw new Error('getter failed');
      },
    };
    expect(redactLogMessage({ data: ['x', hostile], date: new Date(), level: 'info' })).toBe(false);
  });
});

describe('setupLogging with electron-log writing a real file', () => {
  function fileLogger() {
    const dir = tempDir('jc-log-');
    const file = path.join(dir, 'main.log');
    const log = nodeLog.create({ logId: `test-${crypto.randomUUID()}` });
    log.transports.console.level = false;
    log.transports.file.resolvePathFn = () => file;
    const logger = setupLogging(log);
    return { log, logger, file };
  }

  it('never lets a token, password or hash reach the log file', () => {
    const { log, logger, file } = fileLogger();
    // Through the core's Logger port, as the runtime logs...
    logger.info('request failed', { channel: 'auth:login', error: `TypeError: bad ${TOKEN}` });
    logger.warn('could not keep the session', { password: PASSWORD, hash: ARGON2 });
    // ...and straight into electron-log, as a dependency or the uncaught-error handler would.
    for (const line of realisticLines()) log.error(...line);

    const written = fs.readFileSync(file, 'utf8');
    expect(written.split('\n').length).toBeGreaterThan(realisticLines().length);
    expect(written).toContain('request failed');
    expect(written).toContain('auth:login');
    expect(written).toContain('[redacted]');
    expectClean(written);
  });

  it('writes the file for its owner only and honours the level', () => {
    const { logger, file } = fileLogger();
    logger.debug('not written at the default level');
    logger.info('written');
    expect(fs.readFileSync(file, 'utf8')).not.toContain('not written');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('installs the hook once, in front of any other hook', () => {
    const { log } = fileLogger();
    const before = log.hooks.length;
    setupLogging(log);
    expect(log.hooks.length).toBe(before);
    expect(log.hooks[0]).toBe(redactLogMessage);
  });
});
