import { legacyImportCounts } from '../core/legacy/legacy-counts';
import type { LegacyImportReport } from '../core/legacy/legacy-types';
import { iso, plural, printable } from './output';

/** Lines listed per section of the summary; `--json` lists everything. */
const LISTED = 20;

/** What the summary says about the sessions database itself. */
export interface TargetNote {
  /** Where the sessions database is. */
  file: string;
  created: boolean;
  wouldCreate: boolean;
}

/** `import-legacy`'s answer as JSON: the report, with times as ISO strings. */
export function legacyJson(report: LegacyImportReport, target: TargetNote): unknown {
  return {
    ok: true,
    outcome: report.outcome,
    dryRun: report.dryRun,
    createdDatabase: target.created,
    wouldCreateDatabase: target.wouldCreate,
    source: report.source,
    previousImport: report.previousImport && {
      ...report.previousImport,
      at: iso(report.previousImport.at),
    },
    importId: report.importId,
    idsKept: report.idsKept,
    counts: legacyImportCounts(report),
    accounts: report.imported.map((a) => ({ ...a, createdAt: iso(a.createdAt) })),
    alreadyPresent: report.alreadyPresent,
    conflicts: report.conflicts,
    malformed: report.malformed,
  };
}

/** `import-legacy`'s answer in words: the counts, then what needs a look, name by name. */
export function legacySummary(report: LegacyImportReport, target: TargetNote): string {
  const source = printable(report.source.path);
  if (report.outcome === 'already-imported') {
    const previous = report.previousImport!;
    return `${[
      `Already imported: ${source} has the same content as import #${previous.id} of ${iso(previous.at)} (from ${printable(previous.path)}, ${plural(previous.imported, 'account')}).`,
      'Nothing was imported (0 accounts) and nothing was written.',
    ].join('\n')}\n`;
  }
  const n = (count: number): string => String(count).padStart(7);
  const lines = [
    report.dryRun
      ? `Dry run: nothing was written. Importing ${source} would give:`
      : `Imported ${source} (import #${report.importId}):`,
    `  imported                 ${n(report.imported.length)}  ${idsNote(report)}`,
    `  already present          ${n(report.alreadyPresent.length)}  (an earlier import brought them in)`,
    `  conflicts, skipped       ${n(report.conflicts.length)}  (the name is taken, but for case)`,
    `  malformed rows, skipped  ${n(report.malformed.length)}`,
    `  grandfathered names      ${n(report.grandfathered)}  (imported as they are; they break today's username rules)`,
    `  earlier sessions ended   ${n(report.oldSessions.total)}  (${report.oldSessions.live} still live; sessions are never imported: everyone signs in once)`,
  ];
  if (target.created) lines.push(`Created the sessions database ${printable(target.file)}.`);
  if (target.wouldCreate)
    lines.push(
      `There is no sessions database yet: the import would create ${printable(target.file)}.`,
    );
  section(lines, 'Conflicts (skipped)', report.conflicts, (c) =>
    c.reason === 'case-duplicate'
      ? `#${c.oldId} ${quoted(c.username)}: equal but for case to earlier #${c.with.oldId} ${quoted(c.with.username)}, imported instead (the lowest id wins)`
      : `#${c.oldId} ${quoted(c.username)}: the name is taken here by account #${c.with.userId} ${quoted(c.with.username)}`,
  );
  section(
    lines,
    'Malformed rows (skipped)',
    report.malformed,
    (m) =>
      `${m.oldId === null ? '(no id)' : `#${m.oldId}`} ${m.username === null ? '(no name)' : quoted(m.username)}: ${m.problem}`,
  );
  section(
    lines,
    'Grandfathered names (imported as they are)',
    report.imported.filter((a) => a.grandfathered),
    (a) => `#${a.newId} ${quoted(a.username)}`,
  );
  if (!report.idsKept)
    section(
      lines,
      'New ids (earlier → here)',
      report.imported,
      (a) => `#${a.oldId} → #${a.newId}  ${quoted(a.username)}`,
    );
  return `${lines.join('\n')}\n`;
}

function idsNote(report: LegacyImportReport): string {
  if (report.imported.length === 0) return '';
  return report.idsKept ? '(earlier ids kept)' : '(new ids: see below)';
}

function section<T>(
  lines: string[],
  title: string,
  items: readonly T[],
  line: (item: T) => string,
): void {
  if (items.length === 0) return;
  lines.push('', `${title}:`, ...items.slice(0, LISTED).map((item) => `  ${line(item)}`));
  if (items.length > LISTED)
    lines.push(`  … and ${items.length - LISTED} more (--json lists them all)`);
}

/** A name in quotes, one line, control characters shown as `?`. */
function quoted(name: string): string {
  return `"${printable(name)}"`;
}
