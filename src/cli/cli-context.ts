import { AuditLog } from '../core/audit/audit-log';
import { MAINTENANCE_CLI_ACTOR } from '../core/audit/audit-queries';
import type { AuditEvent } from '../core/audit/audit-types';
import type { Db } from '../core/db/open-database';
import type { Clock } from '../core/ports';
import { SessionManager } from '../core/sessions/session-manager';
import type { SessionEvent } from '../core/sessions/session-types';
import { EXIT, type Args } from './cli-args';
import { writeJson, type CliIo } from './output';

/** Who the audit log says made a change. */
export const CLI_ACTOR = MAINTENANCE_CLI_ACTOR;

/** What a command works with. */
export interface CliContext {
  db: Db;
  args: Args;
  io: CliIo;
  clock: Clock;
  /** Absolute. */
  dataDir: string;
}

/** A command: its exit code. */
export type CommandRunner = (c: CliContext) => Promise<number>;

/**
 * The app's sessions, without the memory cache: the CLI runs once, and the app notices its
 * writes through `PRAGMA data_version`.
 */
export function sessionsOf(c: CliContext, onEvent?: (event: SessionEvent) => void): SessionManager {
  return new SessionManager({
    db: c.db,
    clock: c.clock,
    config: { enableMemoryCache: false },
    onEvent,
  });
}

/**
 * The audit log, without a key: the HMAC key lives in the app's keyring, so the CLI's rows are
 * chained with plain SHA-256 (`keyed = 0`), which the log supports.
 */
export function auditOf(c: CliContext): Promise<AuditLog> {
  return AuditLog.open({ db: c.db, dataDir: c.dataDir, clock: c.clock, secretStore: null });
}

/**
 * Records audit events as the CLI's (their `by` is {@link CLI_ACTOR}). Opened before a command
 * changes anything, so a log that cannot be opened stops the command with nothing changed.
 */
export async function cliAuditor(c: CliContext): Promise<(event: AuditEvent) => void> {
  const audit = await auditOf(c);
  return (event) => audit.record({ ...event, details: { ...event.details, by: CLI_ACTOR } });
}

/** Says a thing was not found (on stderr, and as JSON with `--json`); exit 1. */
export function notFound(c: CliContext, message: string): number {
  if (c.args.json) writeJson(c.io, { ok: false, error: message });
  c.io.stderr.write(`${message}\n`);
  return EXIT.negative;
}

/** Answers `json` as JSON with `--json`, else `text` as a line on stdout; exit 0. */
export function reply(c: CliContext, json: unknown, text: string): number {
  if (c.args.json) return answer(c, json);
  c.io.stdout.write(`${text}\n`);
  return EXIT.ok;
}

/** Answers with `value` as JSON; exit 0. */
export function answer(c: CliContext, value: unknown): number {
  writeJson(c.io, value);
  return EXIT.ok;
}
