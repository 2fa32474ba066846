/**
 * An error's kind and message, short enough for a log line. Never a payload: callers pass the
 * error, never the request that caused it.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return 'non-error thrown';
}
