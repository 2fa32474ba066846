/**
 * `window.app`: one function per app channel (named `area:verb` → `areaVerb`), over a
 * {@link BridgeTransport}. It needs only the channel names, so a preload can pass a plain list
 * and import the channel definitions as types only (keeping zod out of the sandboxed bundle).
 */
import {
  appMethodName,
  assertAppChannelNames,
  type AppApi,
  type AppChannelDefinitions,
  type AppChannelOf,
} from '../contract/app-channels';
import type { BridgeTransport } from './transport';

/** The channels of `D` as the API needs them: the definitions themselves, or just their names. */
export type AppChannelList<D extends AppChannelDefinitions> = D | readonly AppChannelOf<D>[];

/** The channel names of `channels` (a definition set or a list of names). */
function appChannelNames(channels: AppChannelList<AppChannelDefinitions>): string[] {
  return Array.isArray(channels) ? [...channels] : Object.keys(channels);
}

/**
 * Builds `window.app` over `transport`: each method sends its channel (the request, or `{}`) and
 * returns main's envelope unchanged. Throws for a name that is not an app channel's. The object
 * is frozen.
 */
export function createAppApi<D extends AppChannelDefinitions>(
  transport: BridgeTransport,
  channels: AppChannelList<D>,
): AppApi<D> {
  const names = appChannelNames(channels as AppChannelList<AppChannelDefinitions>);
  assertAppChannelNames(names);
  const api: Record<string, unknown> = {};
  for (const channel of names) {
    api[appMethodName(channel)] = (request?: unknown) => transport.invoke(channel, request ?? {});
  }
  return Object.freeze(api) as AppApi<D>;
}
