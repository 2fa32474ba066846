/**
 * The code examples of a docs page: fenced blocks whose info string names a file
 * (```` ```ts file=src/main.ts ````). The consumer test writes them into a host project, so the
 * page's examples are exactly the code that is type-checked and run.
 */

/** One example: where it goes in the host project, its language and its text. */
export interface DocExample {
  file: string;
  lang: string;
  code: string;
}

const FENCE = /^```([\w-]+)([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm;

/** Every fenced block of `markdown`, with the file it names (null when it names none). */
export function fencedBlocks(markdown: string): Array<DocExample | { file: null; lang: string }> {
  return [...markdown.matchAll(FENCE)].map((match) => {
    const lang = match[1]!;
    const file = /(?:^|\s)file=(\S+)/.exec(match[2]!)?.[1] ?? null;
    return file === null ? { file, lang } : { file, lang, code: match[3]! };
  });
}

/** The blocks of `markdown` that name a file. */
export function docExamples(markdown: string): DocExample[] {
  return fencedBlocks(markdown).filter((block): block is DocExample => block.file !== null);
}
