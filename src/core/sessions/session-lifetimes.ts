/**
 * The lifetime rules of a session: an absolute cap set at creation, and an idle deadline that
 * activity slides forward but never past the cap. Pure functions of the config and one instant.
 */
import { resolveConfig, type SessionLifetimeConfig } from '../config';
import type { Session } from './session-types';

/** The lifetime settings in `config` with defaults filled in (invalid values are refused). */
export function resolveLifetimes(config?: Partial<SessionLifetimeConfig>): SessionLifetimeConfig {
  const resolved = resolveConfig(config);
  return {
    standardLifetimeMs: resolved.standardLifetimeMs,
    rememberedLifetimeMs: resolved.rememberedLifetimeMs,
    standardIdleTimeoutMs: resolved.standardIdleTimeoutMs,
    rememberedIdleTimeoutMs: resolved.rememberedIdleTimeoutMs,
    activityWriteIntervalMs: resolved.activityWriteIntervalMs,
    enableMemoryCache: resolved.enableMemoryCache,
    memoryCacheMaxEntries: resolved.memoryCacheMaxEntries,
    cleanupStepBudgetMs: resolved.cleanupStepBudgetMs,
  };
}

/** The deadlines of a session created at `now`. */
export function initialDeadlines(
  config: SessionLifetimeConfig,
  now: number,
  rememberMe: boolean,
): { expiresAt: number; idleExpiresAt: number } {
  const expiresAt = now + (rememberMe ? config.rememberedLifetimeMs : config.standardLifetimeMs);
  return { expiresAt, idleExpiresAt: Math.min(now + idleTimeout(config, rememberMe), expiresAt) };
}

/**
 * The idle deadline activity at `now` gives `session`, or null when the last recorded activity is
 * recent enough that writing again is not due yet (activity writes are throttled).
 */
export function slidIdleDeadline(
  config: SessionLifetimeConfig,
  session: Session,
  now: number,
): number | null {
  if (now - session.lastActiveAt < config.activityWriteIntervalMs) return null;
  return Math.min(now + idleTimeout(config, session.rememberMe), session.expiresAt);
}

function idleTimeout(config: SessionLifetimeConfig, rememberMe: boolean): number {
  return rememberMe ? config.rememberedIdleTimeoutMs : config.standardIdleTimeoutMs;
}
