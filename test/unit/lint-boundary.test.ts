import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The files linted here do not exist, so the type-aware rules (which need them in a program) are
// switched off: the import rules under test need no types.
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-misused-promises': 'off',
      '@typescript-eslint/await-thenable': 'off',
    },
  },
});

async function restrictedImportErrors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

describe('the src/ never-imports-electron lint rule', () => {
  const violations = [
    "import { app } from 'electron';\nexport const a = app;\n",
    "import type { IpcMain } from 'electron';\nexport type A = IpcMain;\n",
    "import { ipcRenderer } from 'electron/renderer';\nexport const r = ipcRenderer;\n",
    "import log from 'electron-log/main';\nexport const l = log;\n",
    "export const electron = require('electron');\n",
    "export const load = () => import('electron');\n",
  ];

  it.each(violations)('fails under src/: %s', async (code) => {
    const errors = await restrictedImportErrors(code, 'src/core/sessions/violation.ts');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(/electron/);
  });

  it('allows the same imports under electron/', async () => {
    expect(await restrictedImportErrors(violations[0]!, 'electron/main/adapters/ok.ts')).toEqual(
      [],
    );
  });

  it('allows ordinary imports under src/', async () => {
    expect(
      await restrictedImportErrors(
        "import fs from 'node:fs';\nexport const f = fs;\n",
        'src/core/ok.ts',
      ),
    ).toEqual([]);
  });
});

describe('the layering lint rules', () => {
  const refused: Array<[string, string]> = [
    [
      'src/core/runtime/violation.ts',
      "import { startApp } from '../../../electron/main/app';\nexport const s = startApp;\n",
    ],
    [
      'src/core/runtime/violation.ts',
      "import { h } from '../../renderer/dom';\nexport const x = h;\n",
    ],
    [
      'src/core/sessions/violation.ts',
      "import { runCli } from '../../cli/run-cli';\nexport const r = runCli;\n",
    ],
    [
      'src/core/violation.ts',
      "import { startPreviewHost } from '../preview/host';\nexport const p = startPreviewHost;\n",
    ],
    [
      'src/contract/violation.ts',
      "import { AccountService } from '../core/accounts/account-service';\nexport const a = AccountService;\n",
    ],
    [
      'src/renderer/screens/violation.ts',
      "import { SessionManager } from '../../core/sessions/session-manager';\nexport const m = SessionManager;\n",
    ],
    [
      'src/renderer/violation.ts',
      "import { stderrLogger } from '../preview/preview-logger';\nexport const l = stderrLogger;\n",
    ],
    ['src/renderer/violation.ts', "import fs from 'node:fs';\nexport const f = fs;\n"],
  ];

  it.each(refused)('refuses in %s: %s', async (filePath, code) => {
    expect((await restrictedImportErrors(code, filePath)).length).toBeGreaterThan(0);
  });

  const allowed: Array<[string, string]> = [
    [
      'src/core/runtime/ok.ts',
      "import { fail } from '../../contract/contract';\nexport const f = fail;\n",
    ],
    [
      'src/contract/ok.ts',
      "import { API_METHODS } from './channels';\nexport const m = API_METHODS;\n",
    ],
    [
      'src/renderer/screens/ok.ts',
      "import { USERNAME_RULE } from '../../contract/account-rules';\nexport const r = USERNAME_RULE;\n",
    ],
    [
      'src/cli/ok.ts',
      "import { SessionManager } from '../core/sessions/session-manager';\nexport const m = SessionManager;\n",
    ],
  ];

  it.each(allowed)('allows in %s: %s', async (filePath, code) => {
    expect(await restrictedImportErrors(code, filePath)).toEqual([]);
  });
});
