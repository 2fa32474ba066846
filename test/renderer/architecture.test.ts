/**
 * The renderer's shape: screens import the leaf `screen.ts`, never the controller (`app.ts`),
 * so there is no import cycle inside src/renderer; the pure modules (`text/`, `logic/`) touch
 * no DOM, so they run (and are tested) under Node; no file is over 350 lines.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RENDERER = 'src/renderer';

function files(ext: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, RENDERER), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith(ext))
    .map((file) => path.posix.join(RENDERER, file.split(path.sep).join('/')));
}

function read(file: string): string {
  return fs.readFileSync(path.join(ROOT, file), 'utf8');
}

/** Relative imports of `file`, resolved to files that exist. */
function importsOf(file: string): string[] {
  return [...read(file).matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)]
    .map((m) => path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)))
    .map((target) =>
      [`${target}.ts`, `${target}/index.ts`].find((c) => fs.existsSync(path.join(ROOT, c))),
    )
    .filter((target): target is string => target !== undefined);
}

/** One import cycle among `nodes`, as a path, or null. */
function findCycle(nodes: string[]): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const trail: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    trail.push(node);
    for (const next of importsOf(node).filter((n) => nodes.includes(n))) {
      if (state.get(next) === 'open') return [...trail.slice(trail.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    trail.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of nodes) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return null;
}

describe('renderer architecture', () => {
  const sources = files('.ts');

  it('has no import cycle', () => {
    expect(findCycle(sources)).toBeNull();
  });

  it('screens never import the controller', () => {
    const screens = sources.filter((f) => f.startsWith(`${RENDERER}/screens/`));
    expect(screens.length).toBeGreaterThan(5);
    for (const screen of screens)
      expect(importsOf(screen), screen).not.toContain(`${RENDERER}/app.ts`);
  });

  it('keeps text/ and logic/ free of the DOM, so they run under Node', () => {
    const pure = sources.filter((f) => /\/(text|logic)\//.test(f));
    expect(pure.length).toBeGreaterThan(4);
    for (const file of pure) {
      expect(read(file), file).not.toMatch(
        /\bdocument\.|\bwindow\.|HTMLElement|from '\.\.\/(ui|dom)/,
      );
    }
  });

  it('has no file over 350 lines (scripts and styles alike)', () => {
    const long = [...sources, ...files('.css')]
      .map((file) => ({ file, lines: read(file).split('\n').length }))
      .filter(({ lines }) => lines > 350);
    expect(long).toEqual([]);
  });

  it('uses the shared account rules instead of copies', () => {
    for (const file of sources) {
      expect(read(file), file).not.toMatch(/PASSWORD_MIN_LENGTH\s*=|USERNAME_PATTERN\s*=|\{2,63\}/);
    }
  });
});
