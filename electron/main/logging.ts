/**
 * The main process's logger: electron-log with the redaction hook installed in front of every
 * transport, adapted to the core's `Logger` port.
 */
import type { NodeLogger } from 'electron-log';
import type { Logger } from '../../src/core/ports';
import { redactLogMessage } from './redact';

/** The parts of an electron-log instance this module uses (`electron-log/main` in the app). */
export type LogSink = Pick<
  NodeLogger,
  'hooks' | 'transports' | 'errorHandler' | 'error' | 'warn' | 'info' | 'debug'
>;

/** Options of {@link setupLogging}. */
export interface LoggingOptions {
  /** Lowest level written to the log file; `info` by default. */
  fileLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** Also log uncaught exceptions and unhandled rejections (the app does; tests do not). */
  catchErrors?: boolean;
}

/**
 * Installs the redaction hook first in `log.hooks` (so every later hook and every transport sees
 * only redacted data), makes the log file owner-only, and returns a core `Logger` over `log`.
 */
export function setupLogging(log: LogSink, options: LoggingOptions = {}): Logger {
  if (!log.hooks.includes(redactLogMessage)) log.hooks.unshift(redactLogMessage);
  const file = log.transports.file;
  file.level = options.fileLevel ?? 'info';
  // The log names accounts and sessions: readable by its owner only.
  file.writeOptions = { ...file.writeOptions, mode: 0o600 };
  if (options.catchErrors) log.errorHandler.startCatching({ showDialog: false });
  return {
    debug: (message, fields) =>
      fields === undefined ? log.debug(message) : log.debug(message, fields),
    info: (message, fields) =>
      fields === undefined ? log.info(message) : log.info(message, fields),
    warn: (message, fields) =>
      fields === undefined ? log.warn(message) : log.warn(message, fields),
    error: (message, fields) =>
      fields === undefined ? log.error(message) : log.error(message, fields),
  };
}
