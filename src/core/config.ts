/**
 * Every tunable of the session runtime in one object, with the defaults the README documents.
 * Times are milliseconds.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Lifetimes and cache settings the {@link SessionManager} reads. */
export interface SessionLifetimeConfig {
  /** Absolute lifetime of a standard session (not "Keep me signed in"). */
  standardLifetimeMs: number;
  /** Absolute lifetime of a "Keep me signed in" session. */
  rememberedLifetimeMs: number;
  /** Idle timeout of a standard session; slides on activity, never past the absolute cap. */
  standardIdleTimeoutMs: number;
  /** Idle timeout of a remembered session. */
  rememberedIdleTimeoutMs: number;
  /** Activity is written to the database at most once per this interval per session. */
  activityWriteIntervalMs: number;
  /** Answer validations from memory when possible (never stale: see the README). */
  enableMemoryCache: boolean;
  /** Upper bound on cached sessions; the oldest entry is dropped first. */
  memoryCacheMaxEntries: number;
  /** Target duration of one synchronous cleanup batch. */
  cleanupStepBudgetMs: number;
}

/** Sign-in throttling: per account name, stored in SQLite so a restart does not reset it. */
export interface LockoutConfig {
  /** Failures allowed before the first lock-out. */
  threshold: number;
  /** First lock-out; each further failure doubles it. */
  baseDelayMs: number;
  /** Longest lock-out. */
  maxDelayMs: number;
  /** A record of failures older than this (and not locked) is forgotten. */
  forgetAfterMs: number;
}

/** argon2id cost parameters (memory in KiB). */
export interface Argon2Config {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** Everything `createSessionRuntime` can be configured with. */
export interface SessionConfig extends SessionLifetimeConfig {
  /** How often expired sessions are removed (the first run is at startup). */
  cleanupIntervalMs: number;
  /** How often the runtime checks whether another process changed the database. */
  externalChangePollMs: number;
  /** Revoking another session needs a password entered within this window. */
  reauthWindowMs: number;
  /** Persist remembered sessions even when the OS offers only a weak key store (`basic_text`). */
  allowWeakSecretStorage: boolean;
  /** A SecretStore call that takes longer counts as a transient failure (keyring hung). */
  secretStoreTimeoutMs: number;
  /** End a standard (not remembered) session when the screen locks or the machine sleeps. */
  endStandardSessionOnLock: boolean;
  lockout: LockoutConfig;
  argon2: Argon2Config;
}

/** The minimum argon2id cost allowed for real accounts (OWASP's first recommendation). */
export const MIN_ARGON2: Readonly<Argon2Config> = Object.freeze({
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
});

/** Documented defaults; see README "Configuration". */
export const DEFAULT_CONFIG: Readonly<SessionConfig> = Object.freeze({
  standardLifetimeMs: 24 * HOUR,
  rememberedLifetimeMs: 30 * DAY,
  standardIdleTimeoutMs: 12 * HOUR,
  rememberedIdleTimeoutMs: 7 * DAY,
  activityWriteIntervalMs: MINUTE,
  enableMemoryCache: true,
  memoryCacheMaxEntries: 10_000,
  cleanupStepBudgetMs: 4,
  cleanupIntervalMs: 5 * MINUTE,
  externalChangePollMs: 2 * SECOND,
  reauthWindowMs: 10 * MINUTE,
  allowWeakSecretStorage: false,
  secretStoreTimeoutMs: 10 * SECOND,
  endStandardSessionOnLock: false,
  lockout: Object.freeze({
    threshold: 5,
    baseDelayMs: 30 * SECOND,
    maxDelayMs: 15 * MINUTE,
    forgetAfterMs: DAY,
  }),
  argon2: MIN_ARGON2,
});

/** A partial config, including partial nested objects. */
export type SessionConfigInput = Partial<Omit<SessionConfig, 'lockout' | 'argon2'>> & {
  lockout?: Partial<LockoutConfig>;
  argon2?: Partial<Argon2Config>;
};

/** Fills in defaults and rejects values that cannot work, with a message naming the field. */
export function resolveConfig(input: SessionConfigInput = {}): SessionConfig {
  const config: SessionConfig = {
    ...DEFAULT_CONFIG,
    ...input,
    lockout: { ...DEFAULT_CONFIG.lockout, ...input.lockout },
    argon2: { ...DEFAULT_CONFIG.argon2, ...input.argon2 },
  };
  const positive: Array<[string, number]> = [
    ['standardLifetimeMs', config.standardLifetimeMs],
    ['rememberedLifetimeMs', config.rememberedLifetimeMs],
    ['standardIdleTimeoutMs', config.standardIdleTimeoutMs],
    ['rememberedIdleTimeoutMs', config.rememberedIdleTimeoutMs],
    ['memoryCacheMaxEntries', config.memoryCacheMaxEntries],
    ['cleanupStepBudgetMs', config.cleanupStepBudgetMs],
    ['cleanupIntervalMs', config.cleanupIntervalMs],
    ['externalChangePollMs', config.externalChangePollMs],
    ['secretStoreTimeoutMs', config.secretStoreTimeoutMs],
    ['lockout.threshold', config.lockout.threshold],
    ['lockout.baseDelayMs', config.lockout.baseDelayMs],
    ['lockout.maxDelayMs', config.lockout.maxDelayMs],
    ['argon2.memoryCost', config.argon2.memoryCost],
    ['argon2.timeCost', config.argon2.timeCost],
    ['argon2.parallelism', config.argon2.parallelism],
  ];
  const nonNegative: Array<[string, number]> = [
    ['activityWriteIntervalMs', config.activityWriteIntervalMs],
    ['reauthWindowMs', config.reauthWindowMs],
    ['lockout.forgetAfterMs', config.lockout.forgetAfterMs],
  ];
  for (const [name, value] of positive) {
    if (!Number.isFinite(value) || value <= 0) {
      throw new RangeError(`config.${name} must be a positive number, got ${String(value)}`);
    }
  }
  for (const [name, value] of nonNegative) {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(`config.${name} must be zero or more, got ${String(value)}`);
    }
  }
  return config;
}
