import type { LogFields, Logger } from '../core/ports';

/** Logs to stderr as one line per entry; the runtime never passes secrets in fields. */
export const stderrLogger: Logger = {
  debug: () => {},
  info: (message, fields) => writeLog('info', message, fields),
  warn: (message, fields) => writeLog('warn', message, fields),
  error: (message, fields) => writeLog('error', message, fields),
};

function writeLog(level: string, message: string, fields?: LogFields): void {
  process.stderr.write(`[preview] ${level} ${message}${fields ? ` ${safeJson(fields)}` : ''}\n`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserialisable]';
  }
}
