/**
 * Protected channels through `runtime.invoke`: the order of the checks (session, schema,
 * handler), what passes through and what becomes INTERNAL, startup errors for bad wiring, and
 * `authorize()`.
 */
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ChannelError, NotAuthenticatedError } from '../../../src/core/runtime';
import type { ProtectedContext } from '../../../src/core/runtime/protected-types';
import { defineAppChannels, GENERIC_ERROR_MESSAGE } from '../../../src/contract/contract';
import { PASSWORD, TestProfile } from '../../helpers/runtime';
import { tempDir } from '../../helpers/temp-dir';

const channels = defineAppChannels({
  'notes:list': { request: z.strictObject({}) },
  'notes:get': {
    request: z.strictObject({ id: z.string().max(64) }),
    response: z.object({ id: z.string(), owner: z.number() }),
  },
  'notes:fail': { request: z.strictObject({ how: z.enum(['channel', 'bug', 'bad-answer']) }) },
  'notes:orphan': { request: z.strictObject({}) },
});

async function started() {
  const profile = new TestProfile();
  const runtime = await profile.start({ appChannels: channels });
  const calls: Array<{ ctx: ProtectedContext; request: unknown }> = [];
  runtime.protect('notes:list', async (ctx, request) => {
    calls.push({ ctx, request });
    return { owner: ctx.user.id };
  });
  runtime.protect('notes:get', async (ctx, request) => {
    calls.push({ ctx, request });
    // Extra keys are dropped by the response schema on the way out.
    return { id: request.id, owner: ctx.user.id, secret: 'never sent' } as never;
  });
  runtime.protect('notes:fail', async (_ctx, { how }) => {
    if (how === 'channel') throw new ChannelError('CONFLICT', 'That note changed meanwhile.');
    if (how === 'bug') throw new Error('database exploded near payload-marker');
    return { wrong: true };
  });
  return { profile, runtime, calls };
}

const signIn = (runtime: Awaited<ReturnType<typeof started>>['runtime']) =>
  runtime.invoke('auth:register', { username: 'ada', password: PASSWORD });

describe('protected channels', () => {
  it('answer NOT_AUTHENTICATED before anyone signs in, whatever the payload, without running anything', async () => {
    const { runtime, calls } = await started();
    for (const payload of [{}, { junk: 1 }, null, 'x'])
      expect(await runtime.invoke('notes:list', payload as never)).toEqual({
        ok: false,
        error: { code: 'NOT_AUTHENTICATED', message: 'You are not signed in.' },
      });
    expect(calls).toEqual([]);
  });

  it('run the handler for the signed-in user with the parsed request; the response schema shapes the answer', async () => {
    const { runtime, calls } = await started();
    const registered = await signIn(runtime);
    expect(registered.ok).toBe(true);
    const state = runtime.getState();
    if (!state.authenticated) throw new Error('not signed in');
    expect(await runtime.invoke('notes:list', {})).toEqual({
      ok: true,
      value: { owner: state.user.id },
    });
    expect(await runtime.invoke('notes:get', { id: 'n1' })).toEqual({
      ok: true,
      value: { id: 'n1', owner: state.user.id },
    });
    expect(calls[0]!.ctx).toEqual({
      user: { id: state.user.id, username: 'ada' },
      session: expect.objectContaining({ id: state.session.id, current: true }),
    });
    expect(JSON.stringify(calls[0]!.ctx)).not.toMatch(/\.[A-Za-z0-9_-]{43}/);
    expect(Object.isFrozen(calls[0]!.ctx)).toBe(true);
    expect(calls[1]!.request).toEqual({ id: 'n1' });
  });

  it('answer INVALID_INPUT for a payload the schema refuses, and the handler never runs', async () => {
    const { runtime, calls } = await started();
    await signIn(runtime);
    expect(await runtime.invoke('notes:get', { id: 'x'.repeat(65) })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^id: /) },
    });
    expect(await runtime.invoke('notes:list', { extra: true } as never)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(calls).toEqual([]);
  });

  it('pass a ChannelError through; anything else is INTERNAL, logged without the payload', async () => {
    const { runtime, profile } = await started();
    await signIn(runtime);
    expect(await runtime.invoke('notes:fail', { how: 'channel' })).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'That note changed meanwhile.' },
    });
    expect(await runtime.invoke('notes:fail', { how: 'bug' })).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: GENERIC_ERROR_MESSAGE },
    });
    expect(await runtime.invoke('notes:fail', { how: 'bad-answer' })).toMatchObject({
      ok: true,
    });
    const failed = profile.logger.lines.filter((l) => l.message === 'request failed');
    expect(failed).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ channel: 'notes:fail' }) }),
    ]);
    expect(JSON.stringify(failed)).not.toContain('"how"');
  });

  it('answer INTERNAL with a log line for a defined channel nobody protected', async () => {
    const { runtime, profile } = await started();
    await signIn(runtime);
    expect(await runtime.invoke('notes:orphan', {})).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: GENERIC_ERROR_MESSAGE },
    });
    expect(profile.logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', fields: { channel: 'notes:orphan' } }),
    );
  });

  it('answer INTERNAL when a handler answers outside its response schema, logging only where', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({ appChannels: channels });
    runtime.protect('notes:get', async () => ({ id: 42, owner: 'token-like-value' }) as never);
    await signIn(runtime);
    expect(await runtime.invoke('notes:get', { id: 'a' })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
    const line = profile.logger.lines.find((l) => l.message.includes('response schema'));
    expect(line?.fields).toEqual({ channel: 'notes:get', where: 'id' });
    expect(profile.logger.text()).not.toContain('token-like-value');
  });

  it('answer ChannelError codes exactly as thrown, and refuse to build one with another code', async () => {
    for (const code of ['NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'INVALID_INPUT'] as const)
      expect(new ChannelError(code, 'm')).toMatchObject({ code, message: 'm' });
    expect(() => new ChannelError('INTERNAL' as never, 'm')).toThrow(TypeError);
    expect(() => new ChannelError('NOT_FOUND', '')).toThrow(TypeError);
    expect(() => new ChannelError('NOT_FOUND', 'x'.repeat(301))).toThrow(RangeError);
  });

  it('end a session found expired: NOT_AUTHENTICATED, and auth:state-changed fires', async () => {
    const { runtime, profile, calls } = await started();
    await signIn(runtime);
    const pushed: unknown[] = [];
    runtime.onStateChanged((state) => pushed.push(state));
    profile.clock.advance(runtime.config.standardLifetimeMs);
    expect(await runtime.invoke('notes:list', {})).toMatchObject({
      ok: false,
      error: { code: 'NOT_AUTHENTICATED' },
    });
    expect(pushed).toEqual([expect.objectContaining({ authenticated: false, reason: 'expired' })]);
    expect(calls).toEqual([]);
  });

  it('run on the serial queue: a slow handler holds a later auth request until it finishes', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({ appChannels: channels });
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    runtime.protect('notes:list', async () => {
      order.push('handler started');
      await gate;
      order.push('handler done');
      return {};
    });
    await signIn(runtime);
    const slow = runtime.invoke('notes:list', {});
    const validate = runtime.invoke('auth:validate', {}).then(() => order.push('validate'));
    await vi.waitFor(() => expect(order).toEqual(['handler started']));
    release();
    await Promise.all([slow, validate]);
    expect(order).toEqual(['handler started', 'handler done', 'validate']);
  });

  it('never reject, even for a channel whose name is not a string', async () => {
    const { runtime } = await started();
    for (const channel of [undefined, 42, {}, 'notes:missing', 'auth:nope', '__proto__'])
      await expect(runtime.invoke(channel as never, {})).resolves.toMatchObject({ ok: false });
  });
});

describe('wiring protected channels', () => {
  it('throws at startup for a bad channel name, before anything is opened', async () => {
    const dir = tempDir('jc-bad-');
    const profile = new TestProfile({ dir });
    for (const [name, message] of [
      ['Notes:list', /area:verb/],
      ['notes', /area:verb/],
      ['auth:extra', /reserved/],
      ['notes:list_all', /area:verb/],
    ] as const) {
      await expect(
        profile.start({ appChannels: { [name]: { request: z.strictObject({}) } } }),
      ).rejects.toThrow(message);
    }
    await expect(
      profile.start({
        appChannels: {
          'a-b:c': { request: z.strictObject({}) },
          'a:b-c': { request: z.strictObject({}) },
        },
      }),
    ).rejects.toThrow(/both be window\.app\.aBC/);
    await expect(profile.start({ appChannels: { 'notes:x': {} as never } })).rejects.toThrow(
      /request schema/,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('throws for a handler of an unknown, a reserved or an already protected channel', async () => {
    const { runtime } = await started();
    expect(() => runtime.protect('notes:missing' as never, async () => ({}) as never)).toThrow(
      /No app channel "notes:missing".*defined: notes:list/,
    );
    expect(() => runtime.protect('auth:login' as never, async () => ({}) as never)).toThrow(
      /reserved/,
    );
    expect(() => runtime.protect('notes:list', async () => ({}))).toThrow(/already has a handler/);
    expect(() => runtime.protect('notes:orphan', 'nope' as never)).toThrow(/must be a function/);
  });

  it('a runtime without appChannels has none, and refuses to protect anything', async () => {
    const runtime = await new TestProfile().start();
    expect(runtime.appChannels).toEqual({});
    expect(() => runtime.protect('notes:list' as never, async () => ({}) as never)).toThrow(
      /none are defined/,
    );
  });
});

describe('authorize()', () => {
  it('rejects with NotAuthenticatedError while signed out, and gives the context once signed in', async () => {
    const { runtime } = await started();
    await expect(runtime.authorize()).rejects.toBeInstanceOf(NotAuthenticatedError);
    await signIn(runtime);
    const ctx = await runtime.authorize();
    expect(ctx.user.username).toBe('ada');
    expect(ctx.session.current).toBe(true);
    await runtime.invoke('auth:logout', {});
    await expect(runtime.authorize()).rejects.toMatchObject({ code: 'NOT_AUTHENTICATED' });
  });

  it('is not activity, and works from inside a handler (no wait for the queue)', async () => {
    const profile = new TestProfile();
    const runtime = await profile.start({ appChannels: channels });
    runtime.protect('notes:list', async () => ({ inner: (await runtime.authorize()).user.id }));
    await signIn(runtime);
    const before = runtime.getState();
    profile.clock.advance(10 * 60_000);
    await runtime.authorize();
    const after = runtime.getState();
    if (!before.authenticated || !after.authenticated) throw new Error('signed out');
    expect(after.session.lastActiveAt).toBe(before.session.lastActiveAt);
    expect(await runtime.invoke('notes:list', {})).toMatchObject({ ok: true, value: { inner: 1 } });
  });

  it('rejects once the runtime is closed', async () => {
    const { runtime } = await started();
    await signIn(runtime);
    await runtime.close();
    await expect(runtime.authorize()).rejects.toBeInstanceOf(NotAuthenticatedError);
  });
});
