/**
 * Child process of the legacy-import kill drill: runs `import-legacy` exactly as the CLI does,
 * printing its progress lines on stderr, until it ends or the parent SIGKILLs it.
 *
 * argv: <source> <dataDir> <migrationsDir>
 */
import { runCli } from '../../../src/cli/run-cli';

const [source, dataDir, migrationsDir] = process.argv.slice(2);
if (!source || !dataDir || !migrationsDir) throw new Error('usage');
runCli(
  ['import-legacy', '--from', source, '--data-dir', dataDir, '--json'],
  { stdout: process.stdout, stderr: process.stderr },
  { migrationsDir },
).then((code) => {
  process.exitCode = code;
});
