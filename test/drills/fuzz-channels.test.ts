/**
 * Drill: fuzz every IPC channel through `runtime.invoke` with fast-check. Every payload must get
 * an envelope (never a rejection), and a payload its channel's schema refuses must not change
 * the database: checked per payload by `PRAGMA data_version` on an observer connection (which
 * moves on any commit by another connection), and per channel by a content hash of every table.
 * App channels (protected) get the same, signed out (everything is NOT_AUTHENTICATED) and signed
 * in (everything the schema refuses is INVALID_INPUT), with handlers that answer, refuse and
 * throw.
 */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/core/db/open-database';
import { z } from 'zod';
import { protectProfile } from '../../src/core/profile/protect-profile';
import { ChannelError } from '../../src/core/runtime';
import {
  defineAppChannels,
  INVOKE_CHANNELS,
  REQUEST_SCHEMAS,
  type InvokeChannel,
} from '../../src/contract/contract';
import { PROFILE_CHANNELS } from '../../src/contract/profile-channels';
import { PASSWORD, TestProfile } from '../helpers/runtime';
import { contentHash, show, since } from '../helpers/drill-helpers';
import { isEnvelope, nastyString, payloads, snapshotPrototypes } from '../helpers/fuzz-payloads';

const PER_CHANNEL = 10_000;
const SEED = Number(process.env.DRILL_SEED ?? 20261123);

const KEYS: Record<InvokeChannel, string[]> = {
  'auth:register': ['username', 'password', 'rememberMe'],
  'auth:login': ['username', 'password', 'rememberMe'],
  'auth:validate': [],
  'auth:logout': [],
  'auth:sessions': [],
  'auth:revoke-session': ['sessionId', 'password'],
  'auth:revoke-other-sessions': ['password'],
  'auth:change-password': ['currentPassword', 'newPassword', 'signOutOtherSessions'],
};

describe('drill: fuzz every channel', () => {
  it(
    `${PER_CHANNEL.toLocaleString('en-US')} generated payloads per channel: always an envelope, never a rejection, no change from an invalid one`,
    { timeout: 120_000 },
    async () => {
      const profile = new TestProfile();
      const runtime = await profile.start({ config: { externalChangePollMs: 3_600_000 } });
      const signedIn = await runtime.invoke('auth:register', {
        username: 'fuzzer',
        password: PASSWORD,
        rememberMe: true,
      });
      expect(signedIn.ok).toBe(true);
      // The startup cleanup must not count as a change: join it (the audit verify only reads).
      await runtime.runCleanup();
      const observer = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
      const dataVersion = observer.prepare('PRAGMA data_version').pluck();
      const prototypes = snapshotPrototypes();
      const started = performance.now();
      const lines: string[] = [];
      try {
        for (const channel of [...INVOKE_CHANNELS, 'auth:unknown' as InvokeChannel]) {
          const known = (INVOKE_CHANNELS as readonly string[]).includes(channel);
          const arb = payloads(KEYS[known ? channel : 'auth:login']);
          const generated = fc.sample(arb, { numRuns: PER_CHANNEL, seed: SEED + channel.length });
          const schema = known ? REQUEST_SCHEMAS[channel] : null;
          const invalid = generated.filter((p) => !schema || !schema.safeParse(p).success);
          const valid = generated.filter((p) => schema && schema.safeParse(p).success);
          let rejections = 0;
          let missing = 0;
          let changed = 0;
          const codes = new Map<string, number>();
          const before = contentHash(profile.dir);
          for (const payload of invalid) {
            const version = dataVersion.get();
            let result: unknown;
            try {
              result = await runtime.invoke(channel, payload);
            } catch (error) {
              rejections += 1;
              expect.fail(`${channel} rejected for ${show(payload)}: ${String(error)}`);
            }
            if (!isEnvelope(result)) {
              missing += 1;
              expect.fail(`${channel}: no envelope for ${show(payload)}: ${show(result)}`);
            }
            const r = result as { ok: boolean; error?: { code: string } };
            codes.set(
              r.ok ? 'ok' : r.error!.code,
              (codes.get(r.ok ? 'ok' : r.error!.code) ?? 0) + 1,
            );
            if (dataVersion.get() !== version) {
              changed += 1;
              expect.fail(`${channel}: the database changed for invalid ${show(payload)}`);
            }
          }
          const after = contentHash(profile.dir);
          expect(after, `${channel}: table content changed`).toBe(before);
          // Every invalid payload is INVALID_INPUT, and it stays so: nothing reached a handler.
          expect([...codes.keys()]).toEqual(invalid.length > 0 ? ['INVALID_INPUT'] : []);
          // Valid ones may legitimately change state; they still always get an envelope.
          for (const payload of valid) {
            const result = await runtime.invoke(channel, payload).catch((error: unknown) => {
              rejections += 1;
              return error;
            });
            expect(isEnvelope(result), `${channel}: ${show(payload)} -> ${show(result)}`).toBe(
              true,
            );
          }
          lines.push(
            `fuzz ${channel}: ${generated.length} payloads (${invalid.length} invalid, ${valid.length} valid), ` +
              `${rejections} rejections, ${missing} envelopes missing, ${changed} db changes from invalid ones`,
          );
        }
        expect(snapshotPrototypes()).toBe(prototypes);
        expect(({} as Record<string, unknown>).admin).toBeUndefined();
        // The runtime still works after all that, and the observer does see its commits (so the
        // "no change" checks above could have failed).
        const version = dataVersion.get();
        const before = contentHash(profile.dir);
        const check = await runtime.invoke('auth:login', {
          username: 'fuzzer',
          password: PASSWORD,
        });
        expect(check).toMatchObject({ ok: true, value: { authenticated: true } });
        expect(dataVersion.get()).not.toBe(version);
        expect(contentHash(profile.dir)).not.toBe(before);
      } finally {
        observer.close();
      }
      for (const line of lines) console.log(line);
      console.log(`fuzz: ${lines.length} channels in ${since(started)} ms`);
      expect(fs.existsSync(profile.dir)).toBe(true);
    },
  );
});

const APP_PER_CHANNEL = 5_000;

/** The app's channels, plus one whose handler answers, refuses, throws or answers out of shape. */
const FUZZ_CHANNELS = defineAppChannels({
  ...PROFILE_CHANNELS,
  'fuzz:echo': {
    request: z.strictObject({
      mode: z.enum(['value', 'refuse', 'error', 'throw-string', 'bad-answer']),
      count: z.number().int().min(0).max(10).optional(),
    }),
    response: z.strictObject({ count: z.number() }),
  },
});
type FuzzChannel = keyof typeof FUZZ_CHANNELS;

/** Each channel's payloads: the generic ones for its keys, plus shapes that reach its handler. */
const APP_PAYLOADS: Record<FuzzChannel, fc.Arbitrary<unknown>> = {
  'profile:get': payloads([]),
  'profile:update': fc.oneof(payloads(['displayName']), fc.record({ displayName: nastyString })),
  'fuzz:echo': fc.oneof(
    payloads(['mode', 'count']),
    fc.record(
      {
        mode: fc.constantFrom('value', 'refuse', 'error', 'throw-string', 'bad-answer', 'other'),
        count: fc.oneof(fc.integer({ min: -2, max: 12 }), fc.double(), fc.constant(undefined)),
      },
      { requiredKeys: ['mode'] },
    ),
  ),
};

describe('drill: fuzz the app channels', () => {
  it(
    `${APP_PER_CHANNEL.toLocaleString('en-US')} payloads per app channel, signed out and signed in: always an envelope, and no change from one that is refused`,
    { timeout: 120_000 },
    async () => {
      const profile = new TestProfile();
      const runtime = await profile.start({
        appChannels: FUZZ_CHANNELS,
        config: { externalChangePollMs: 3_600_000 },
      });
      protectProfile(runtime);
      runtime.protect('fuzz:echo', async (_ctx, { mode, count = 0 }) => {
        if (mode === 'refuse') throw new ChannelError('CONFLICT', 'Refused, as asked.');
        if (mode === 'error') throw new Error('a bug in a handler');
        // What a careless handler may do: throw something that is not an Error.
        if (mode === 'throw-string') throw 'not an Error';
        return mode === 'bad-answer' ? ({ count: String(count) } as never) : { count };
      });
      await runtime.runCleanup();
      const observer = openDatabase(path.join(profile.dir, 'sessions.db'), { readonly: true });
      const dataVersion = observer.prepare('PRAGMA data_version').pluck();
      const prototypes = snapshotPrototypes();
      const lines: string[] = [];
      try {
        for (const signedIn of [false, true]) {
          if (signedIn)
            expect(
              await runtime.invoke('auth:register', { username: 'fuzzer', password: PASSWORD }),
            ).toMatchObject({ ok: true });
          for (const channel of Object.keys(FUZZ_CHANNELS) as FuzzChannel[]) {
            const generated = fc.sample(APP_PAYLOADS[channel], {
              numRuns: APP_PER_CHANNEL,
              seed: SEED + channel.length + (signedIn ? 1 : 0),
            });
            const schema = FUZZ_CHANNELS[channel].request;
            const refused = signedIn
              ? generated.filter((p) => !schema.safeParse(p).success)
              : generated;
            const accepted = signedIn ? generated.filter((p) => schema.safeParse(p).success) : [];
            // The generator must reach the handler too, not only the schema.
            if (signedIn && channel === 'fuzz:echo')
              expect(accepted.length, `${channel}: no payload passed its schema`).toBeGreaterThan(
                0,
              );
            const expected = signedIn ? 'INVALID_INPUT' : 'NOT_AUTHENTICATED';
            const codes = new Map<string, number>();
            const count = (result: unknown): void => {
              const r = result as { ok: boolean; error?: { code: string } };
              const code = r.ok ? 'ok' : r.error!.code;
              codes.set(code, (codes.get(code) ?? 0) + 1);
            };
            const before = contentHash(profile.dir);
            for (const payload of refused) {
              const version = dataVersion.get();
              const result: unknown = await runtime.invoke(channel, payload as never);
              if (!isEnvelope(result))
                expect.fail(`${channel}: no envelope for ${show(payload)}: ${show(result)}`);
              count(result);
              if (dataVersion.get() !== version)
                expect.fail(`${channel}: the database changed for refused ${show(payload)}`);
            }
            expect(contentHash(profile.dir), `${channel}: table content changed`).toBe(before);
            expect([...codes.keys()]).toEqual(refused.length > 0 ? [expected] : []);
            for (const payload of accepted) {
              const result: unknown = await runtime.invoke(channel, payload as never);
              expect(isEnvelope(result), `${channel}: ${show(payload)} -> ${show(result)}`).toBe(
                true,
              );
              count(result);
            }
            lines.push(
              `fuzz ${channel} (${signedIn ? 'signed in' : 'signed out'}): ${generated.length} payloads, ` +
                `answers ${JSON.stringify(Object.fromEntries(codes))}`,
            );
          }
        }
        expect(snapshotPrototypes()).toBe(prototypes);
        // Still answering, and the handlers ran for what the schemas let through.
        expect(await runtime.invoke('fuzz:echo', { mode: 'value', count: 3 })).toEqual({
          ok: true,
          value: { count: 3 },
        });
        expect(await runtime.invoke('profile:get', {})).toMatchObject({ ok: true });
      } finally {
        observer.close();
      }
      for (const line of lines) console.log(line);
    },
  );
});
