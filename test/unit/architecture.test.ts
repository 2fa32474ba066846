/**
 * The shape of the code, checked like behaviour: no source file grows past what a reader takes in
 * at once, and no module imports itself back through others (a cycle ties modules that should be
 * separable and makes import order matter).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAX_LINES = 350;

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file).split(path.sep).join('/'));
}

/** Relative imports of `file` (static, dynamic and re-exports), resolved to project files. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)];
  return specifiers
    .map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)))
    .map((target) =>
      [`${target}.ts`, `${target}/index.ts`].find((candidate) =>
        fs.existsSync(path.join(ROOT, candidate)),
      ),
    )
    .filter((target): target is string => target !== undefined);
}

/** Strongly connected components with more than one file, or a file importing itself (Tarjan). */
function cycles(files: string[]): string[][] {
  const graph = new Map(
    files.map((file) => [file, importsOf(file).filter((t) => files.includes(t))]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let counter = 0;
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)!) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)!.includes(node)) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe('architecture', () => {
  const app = [...sourceFiles('src'), ...sourceFiles('electron')];

  it(`no source file under src/ or electron/ is over ${MAX_LINES} lines`, () => {
    const long = app
      .map((file) => ({
        file,
        lines: fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n').length,
      }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('no import cycle among the core, the contract, the CLI, the preview host and the shell', () => {
    const layers = app.filter((file) => !file.startsWith('src/renderer/'));
    expect(cycles(layers)).toEqual([]);
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
