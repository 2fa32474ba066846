import type {
  AppChannelDefinitions,
  AppChannelOf,
  AppHandlerValueOf,
  AppParsedRequestOf,
  SessionView,
} from '../../contract/contract';

/** Who a protected call is for: the signed-in user and their session (never its token). */
export interface ProtectedContext {
  readonly user: { readonly id: number; readonly username: string };
  readonly session: SessionView;
}

/**
 * The handler of app channel `C`: runs only for a valid current session, with the request
 * already checked by the channel's schema. Its value is the answer; a thrown `ChannelError` is
 * an expected refusal; anything else thrown is `INTERNAL`.
 */
export type ProtectedHandler<D extends AppChannelDefinitions, C extends AppChannelOf<D>> = (
  ctx: ProtectedContext,
  request: AppParsedRequestOf<D, C>,
) => AppHandlerValueOf<D, C> | Promise<AppHandlerValueOf<D, C>>;

/** A handler of any channel, as the registry stores it. */
export type AnyProtectedHandler = (ctx: ProtectedContext, request: unknown) => unknown;
