/** App channel names and their `window.app` methods, at run time and in the types. */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import {
  appMethodName,
  assertAppChannelNames,
  defineAppChannels,
  type AppApi,
  type AppMethodOf,
  type IpcResult,
} from '../../../src/contract/contract';

describe('app channel names', () => {
  it.each([
    ['profile:get', 'profileGet'],
    ['notes:list', 'notesList'],
    ['case-files:add-note', 'caseFilesAddNote'],
    ['v2:get-3d-model', 'v2Get3dModel'],
  ])('%s is window.app.%s', (channel, method) => {
    expect(appMethodName(channel)).toBe(method);
  });

  it('names the method the same way in the types', () => {
    expectTypeOf<AppMethodOf<'case-files:add-note'>>().toEqualTypeOf<'caseFilesAddNote'>();
    expectTypeOf<AppMethodOf<'profile:get'>>().toEqualTypeOf<'profileGet'>();
  });

  it.each([
    ['', /area:verb/],
    ['notes', /area:verb/],
    ['notes:', /area:verb/],
    ['Notes:list', /area:verb/],
    ['notes:list:all', /area:verb/],
    ['notes:-list', /area:verb/],
    ['notes::list', /area:verb/],
    ['auth:anything', /reserved "auth:"/],
  ])('refuses %j', (name, message) => {
    expect(() => assertAppChannelNames([name])).toThrow(message);
  });

  it('refuses two names that would be one method', () => {
    expect(() => assertAppChannelNames(['a-b:c', 'a:b-c'])).toThrow(/"a-b:c" and "a:b-c"/);
  });
});

describe('defineAppChannels', () => {
  const channels = defineAppChannels({
    'notes:list': { request: z.strictObject({}) },
    'notes:get': {
      request: z.strictObject({ id: z.string() }),
      response: z.object({ title: z.string() }),
    },
  });

  it('returns the set frozen, and refuses a definition without a schema', () => {
    expect(Object.isFrozen(channels)).toBe(true);
    expect(() => defineAppChannels({ 'notes:x': { request: {} } } as never)).toThrow(
      /request schema/,
    );
    expect(() =>
      defineAppChannels({ 'notes:x': { request: z.strictObject({}), response: 3 } } as never),
    ).toThrow(/response/);
  });

  it('types window.app from the definitions: {} requests are optional, responses typed', () => {
    type Api = AppApi<typeof channels>;
    expectTypeOf<Api['notesList']>().toEqualTypeOf<
      (request?: Record<string, never>) => Promise<IpcResult<unknown>>
    >();
    expectTypeOf<Parameters<Api['notesGet']>[0]>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<Awaited<ReturnType<Api['notesGet']>>>().toEqualTypeOf<
      IpcResult<{ title: string }>
    >();
  });
});
