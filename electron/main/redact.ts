/**
 * Log redaction: a pure electron-log hook so that no token, password or hash reaches a log file,
 * whatever a caller (or a dependency, or an uncaught error) passes to the logger. Pure so it can
 * be tested under Node; electron-log itself needs Electron.
 */
import type { LogMessage } from 'electron-log';

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

const TEXT_RULES: ReadonlyArray<[RegExp, string]> = [
  // A session token: `<uuid>.<43 base64url chars>`.
  [
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/gi,
    '[token]',
  ],
  // An argon2 PHC string: `$argon2id$v=19$m=…,t=…,p=…$salt$hash`.
  [/\$argon2(?:id|i|d)\$[A-Za-z0-9$=,+/._-]*/g, '[argon2-hash]'],
  // A token's secret half on its own: exactly 43 base64url characters (32 random bytes).
  [/(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g, '[secret]'],
  // SHA-256 and longer hex digests (token hashes, audit chain hashes and MACs).
  [/(?<![0-9A-Za-z])[0-9a-fA-F]{64,}(?![0-9A-Za-z])/g, '[hash]'],
  // `password=…`, `"newPassword": "…"`, `token: …` inside free text (query strings, JSON, messages).
  // An unquoted value runs to the next separator, spaces included: a pass phrase has spaces.
  [
    /(["']?[A-Za-z_-]{0,32}(?:password|passwd|passphrase|pwd|secret|token)["']?\s*[:=]\s*)(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|\[[a-z0-9-]+\]|[^\r\n,;&}\])]+)/gi,
    `$1${REDACTED}`,
  ],
];

/** Object keys whose values are never logged, whatever they hold. */
const SENSITIVE_KEY =
  /pass(?:word|wd|phrase)?|pwd|secret|token|hash|cipher|plaintext|cookie|authori[sz]ation|credential|api_?key|private_?key/i;

const MAX_DEPTH = 6;

/** Removes tokens, argon2 strings, long hex digests and `password=…` values from `text`. */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of TEXT_RULES) result = result.replace(pattern, replacement);
  return result;
}

/**
 * Returns a copy of `value` that is safe to log: strings are scrubbed with {@link redactText},
 * values under sensitive keys (`password`, `token`, `hash`, …) are replaced, binary data is
 * dropped (it may be ciphertext or plaintext), errors keep their name and redacted message and
 * stack. Never mutates `value`.
 */
export function redactValue(value: unknown): unknown {
  return redact(value, 0, new WeakSet());
}

function redact(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  seen.add(value);
  if (value instanceof Uint8Array || value instanceof ArrayBuffer)
    return `[binary ${value.byteLength} bytes]`;
  if (value instanceof Date) return value;
  if (value instanceof Error) return redactError(value, depth, seen);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  if (value instanceof Map) {
    return Object.fromEntries(
      [...value.entries()].map(([k, v]) => redactEntry(String(k), v, depth, seen)),
    );
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => redactEntry(k, v, depth, seen)));
}

function redactEntry(
  key: string,
  value: unknown,
  depth: number,
  seen: WeakSet<object>,
): [string, unknown] {
  return [redactText(key), SENSITIVE_KEY.test(key) ? REDACTED : redact(value, depth + 1, seen)];
}

function redactError(error: Error, depth: number, seen: WeakSet<object>): Error {
  const copy = new Error(redactText(error.message));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : redactText(error.stack);
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') Object.assign(copy, { code });
  if (error.cause !== undefined) copy.cause = redact(error.cause, depth + 1, seen);
  return copy;
}

/**
 * The electron-log hook (`log.hooks.push(redactLogMessage)`): redacts every argument of every
 * message for every transport. If redaction itself fails the message is dropped rather than
 * written unredacted.
 */
export function redactLogMessage(message: LogMessage): LogMessage | false {
  try {
    return { ...message, data: message.data.map((item) => redactValue(item)) };
  } catch {
    return false;
  }
}
