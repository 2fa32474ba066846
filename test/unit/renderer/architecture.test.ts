/**
 * The renderer's own shape (sizes and cycles are checked for all of src/ in
 * test/unit/architecture.test.ts): screens import the leaf `screen.ts`, never the controller
 * (`app.ts`); the pure modules (`text/`, `logic/`) touch no DOM, so they run, and are tested,
 * under Node; the account rules come from the contract, never a copy.
 */
import { describe, expect, it } from 'vitest';
import { importsOf, readSource, sourceFiles } from '../../helpers/source-graph';

const RENDERER = 'src/renderer';

describe('renderer architecture', () => {
  const sources = sourceFiles(RENDERER);

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
      expect(readSource(file), file).not.toMatch(
        /\bdocument\.|\bwindow\.|HTMLElement|from '\.\.\/(ui|dom)/,
      );
    }
  });

  it('uses the shared account rules instead of copies', () => {
    for (const file of sources) {
      expect(readSource(file), file).not.toMatch(
        /PASSWORD_MIN_LENGTH\s*=|USERNAME_PATTERN\s*=|\{2,63\}/,
      );
    }
  });
});
