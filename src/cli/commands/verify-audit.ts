import { explainVerification } from '../../core/audit/verification-report';
import { EXIT } from '../cli-args';
import { auditOf, type CommandRunner } from '../cli-context';
import { writeJson } from '../output';

/**
 * `verify-audit`: checks the audit chain (without the key, which lives in the app's keyring: keyed
 * rows are checked for order and linkage only). Exit 1 when the log shows tampering; exit 0
 * otherwise, whether or not it is clean (`clean` in `--json`, "NOT clean" in words).
 */
export const verifyAudit: CommandRunner = async (c) => {
  const result = await (await auditOf(c)).verify();
  const report = explainVerification(result, 'cli');
  const exitCode = result.ok ? EXIT.ok : EXIT.negative;
  if (c.args.json) {
    writeJson(c.io, {
      ok: result.ok,
      clean: result.clean,
      outcome: report.outcome,
      verification: result,
      findings: report.findings,
      action: report.action,
    });
    return exitCode;
  }
  const lines = [report.summary, ...report.findings.map((f) => `  - ${f}`)];
  if (report.outcome !== 'clean') lines.push(`What to do: ${report.action}`);
  c.io.stdout.write(`${lines.join('\n')}\n`);
  return exitCode;
};
