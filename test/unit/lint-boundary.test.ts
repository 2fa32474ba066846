import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

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
