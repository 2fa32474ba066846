/**
 * The project's source files and their relative imports, read as text: for the tests that check
 * the code's shape (sizes, layers, cycles).
 */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths';

/** Files under `dir` (relative to the root) ending in `ext`, as root-relative posix paths. */
export function sourceFiles(dir: string, ext = '.ts'): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(ext))
    .map((file) => path.posix.join(dir, file.split(path.sep).join('/')));
}

/** The text of a root-relative file. */
export function readSource(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

/** Relative imports of `file` (static, dynamic and re-exports), resolved to project files. */
export function importsOf(file: string): string[] {
  const specifiers = [
    ...readSource(file).matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g),
  ];
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
export function cycles(files: string[]): string[][] {
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

/** Files among `files` with more than `max` lines, with their counts. */
export function longFiles(files: string[], max: number): Array<{ file: string; lines: number }> {
  return files
    .map((file) => ({ file, lines: readSource(file).split('\n').length }))
    .filter(({ lines }) => lines > max);
}
