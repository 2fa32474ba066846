/**
 * The host app's own IPC channels ("protected channels"): how they are named, defined and typed.
 * A definition is a request schema and, optionally, a response schema (zod); the runtime answers
 * such a channel only for a valid current session. Only types come from zod here, so the
 * sandboxed preload and the renderer can import this module without bundling zod.
 */
import type { z } from 'zod';
import type { IpcResult } from './envelope';

/** `area:verb`, lower-case ASCII letters and digits, words joined by `-` (`case-files:add-note`). */
export const APP_CHANNEL_PATTERN = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*:[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** The area the session module's own channels use; no app channel may be in it. */
export const RESERVED_CHANNEL_AREA = 'auth';

/** One app channel. */
export interface AppChannelDefinition {
  /** Checked before the handler runs; a payload it refuses is `INVALID_INPUT` and nothing runs. */
  request: z.ZodType;
  /**
   * What the handler's value must be. It types the handler and `window.app`, and the value is
   * parsed through it before it leaves main (an allowlist: an object schema drops keys it does
   * not name). Without it the value goes out as the handler returned it, typed `unknown`.
   */
  response?: z.ZodType;
}

/** A set of app channels, by name. */
export type AppChannelDefinitions = Readonly<Record<string, AppChannelDefinition>>;

/** No app channels at all (a runtime created without `appChannels`). */
export type NoAppChannels = Readonly<Record<never, AppChannelDefinition>>;

/** The channel names of a definition set. */
export type AppChannelOf<D extends AppChannelDefinitions> = keyof D & string;

/** What a caller sends on channel `C` (the schema's input). */
export type AppRequestOf<D extends AppChannelDefinitions, C extends AppChannelOf<D>> = z.input<
  D[C]['request']
>;

/** What the handler of channel `C` receives (the schema's output: trimmed, defaulted…). */
export type AppParsedRequestOf<
  D extends AppChannelDefinitions,
  C extends AppChannelOf<D>,
> = z.output<D[C]['request']>;

/** What the handler of channel `C` returns (before the response schema, when there is one). */
export type AppHandlerValueOf<
  D extends AppChannelDefinitions,
  C extends AppChannelOf<D>,
> = D[C]['response'] extends z.ZodType ? z.input<D[C]['response']> : unknown;

/** The success value a caller gets from channel `C`. */
export type AppResponseOf<
  D extends AppChannelDefinitions,
  C extends AppChannelOf<D>,
> = D[C]['response'] extends z.ZodType ? z.output<D[C]['response']> : unknown;

type CamelWords<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelWords<Tail>>}`
  : S;

/** The `window.app` method of a channel: `profile:get` → `profileGet`, `case-files:add-note` → `caseFilesAddNote`. */
export type AppMethodOf<C extends string> = C extends `${infer Area}:${infer Verb}`
  ? `${CamelWords<Area>}${Capitalize<CamelWords<Verb>>}`
  : never;

/** A request of `{}` (no fields at all) may be left out. */
type AppMethod<Request, Response> = [Request] extends [Record<string, never>]
  ? (request?: Request) => Promise<IpcResult<Response>>
  : (request: Request) => Promise<IpcResult<Response>>;

/**
 * `window.app`, as the preload exposes it for definition set `D`: one method per channel (named
 * by {@link AppMethodOf}), each resolving to main's envelope.
 */
export type AppApi<D extends AppChannelDefinitions> = {
  readonly [C in AppChannelOf<D> as AppMethodOf<C>]: AppMethod<
    AppRequestOf<D, C>,
    AppResponseOf<D, C>
  >;
};

/** The `window.app` method name of `channel` (see {@link AppMethodOf}). */
export function appMethodName(channel: string): string {
  const [area = '', verb = ''] = channel.split(':');
  const camel = (words: string): string =>
    words.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());
  const verbCamel = camel(verb);
  return `${camel(area)}${verbCamel.charAt(0).toUpperCase()}${verbCamel.slice(1)}`;
}

/**
 * Throws, with a message that names the channel, unless `names` are usable app channel names:
 * `area:verb`, outside the reserved `auth:` area, and no two of them with the same `window.app`
 * method. Called by {@link defineAppChannels}, the runtime and the preload.
 */
export function assertAppChannelNames(names: readonly string[]): void {
  const methods = new Map<string, string>();
  for (const name of names) {
    if (typeof name !== 'string' || !APP_CHANNEL_PATTERN.test(name))
      throw new TypeError(
        `App channel ${JSON.stringify(name)} is not named area:verb (lower-case letters and digits, words joined by "-").`,
      );
    if (name.startsWith(`${RESERVED_CHANNEL_AREA}:`))
      throw new TypeError(
        `App channel "${name}" is in the reserved "${RESERVED_CHANNEL_AREA}:" area: choose another area.`,
      );
    const method = appMethodName(name);
    const other = methods.get(method);
    if (other !== undefined)
      throw new TypeError(
        `App channels "${other}" and "${name}" would both be window.app.${method}: rename one.`,
      );
    methods.set(method, name);
  }
}

/**
 * Defines the host app's channels: checks their names (see {@link assertAppChannelNames}) and
 * that each has a request schema, and returns the set frozen, with its types intact.
 *
 * @example
 * const channels = defineAppChannels({
 *   'notes:list': { request: z.strictObject({}) },
 *   'notes:get': { request: z.strictObject({ id: z.string().max(64) }) },
 * });
 */
export function defineAppChannels<const D extends AppChannelDefinitions>(definitions: D): D {
  assertAppChannelDefinitions(definitions);
  return Object.freeze({ ...definitions });
}

/** Throws unless `definitions` is a usable set: valid names, each with a schema that parses. */
export function assertAppChannelDefinitions(definitions: unknown): void {
  if (typeof definitions !== 'object' || definitions === null || Array.isArray(definitions))
    throw new TypeError('App channels must be an object of channel definitions.');
  const entries = Object.entries(definitions as Record<string, unknown>);
  assertAppChannelNames(entries.map(([name]) => name));
  for (const [name, definition] of entries) {
    const { request, response } = (definition ?? {}) as Partial<Record<string, unknown>>;
    if (!isSchema(request))
      throw new TypeError(`App channel "${name}" needs a request schema (a zod schema).`);
    if (response !== undefined && !isSchema(response))
      throw new TypeError(`App channel "${name}" has a response that is not a zod schema.`);
  }
}

function isSchema(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { safeParse?: unknown }).safeParse === 'function'
  );
}
