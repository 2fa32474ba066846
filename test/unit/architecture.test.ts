/**
 * The shape of the code, checked like behaviour: no source file grows past what a reader takes in
 * at once, and no module imports itself back through others (a cycle ties modules that should be
 * separable and makes import order matter).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/paths';
import { cycles, longFiles, sourceFiles } from '../helpers/source-graph';

const MAX_LINES = 350;

describe('architecture', () => {
  const app = [...sourceFiles('src'), ...sourceFiles('electron')];

  it(`no source file under src/ or electron/ is over ${MAX_LINES} lines (styles included)`, () => {
    expect(longFiles([...app, ...sourceFiles('src', '.css')], MAX_LINES)).toEqual([]);
  });

  it('no import cycle anywhere in src/ or electron/', () => {
    expect(cycles(app)).toEqual([]);
  });

  it('the cycle finder finds a cycle', () => {
    const dir = fs.mkdtempSync(path.join(ROOT, 'test', '.cycle-'));
    try {
      const rel = path.relative(ROOT, dir).split(path.sep).join('/');
      fs.writeFileSync(path.join(dir, 'a.ts'), "import { b } from './b';\nexport const a = b;\n");
      fs.writeFileSync(path.join(dir, 'b.ts'), "import { a } from './a';\nexport const b = a;\n");
      fs.writeFileSync(path.join(dir, 'c.ts'), "import { a } from './a';\nexport const c = a;\n");
      expect(cycles([`${rel}/a.ts`, `${rel}/b.ts`, `${rel}/c.ts`])).toEqual([
        [`${rel}/a.ts`, `${rel}/b.ts`],
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
