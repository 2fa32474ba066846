// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** src/ runs under plain Node and in a browser; only electron/ may touch Electron. */
const ELECTRON = [
  {
    regex: '^electron(/.*)?$',
    message: 'src/ never imports electron: put it in electron/ behind a port.',
  },
  {
    regex: '^electron-log/(main|renderer|preload)$',
    message: 'electron-log/main requires Electron: inject a Logger into core code instead.',
  },
];

/** A relative import that reaches into one of `folders` (a folder of the project, by name). */
const into = (folders, message) => ({
  regex: `^(\\.\\./)+(.*/)?(${folders.join('|')})(/|$)`,
  message,
});

/**
 * The layers, as import rules: the core is plain Node and knows nothing of what hosts it; the
 * contract depends on nothing of the project; the renderer knows only the contract and itself.
 * `test/unit/lint-boundary.test.ts` shows each rule failing on a violation.
 */
export const LAYERS = {
  'src/core/**/*.ts': [
    ...ELECTRON,
    into(
      ['renderer', 'preview', 'cli', 'electron'],
      'src/core never imports the renderer, the preview host, the CLI or the Electron shell: they build on the core, not the other way round.',
    ),
  ],
  'src/contract/**/*.ts': [
    ...ELECTRON,
    {
      regex: '^\\.\\./',
      message: 'src/contract is the IPC contract: it imports nothing of the project but itself.',
    },
  ],
  'src/renderer/**/*.ts': [
    ...ELECTRON,
    into(
      ['core', 'preview', 'cli', 'electron'],
      'src/renderer talks to the main process only through window.auth / window.app: it imports src/contract and itself, nothing else.',
    ),
    { regex: '^node:', message: 'src/renderer runs in a browser: no Node modules.' },
  ],
  'src/{cli,preview}/**/*.ts': [...ELECTRON],
};

const restrict = (patterns) => ({
  'no-restricted-imports': [
    'error',
    { paths: [{ name: 'electron', message: ELECTRON[0].message }], patterns },
  ],
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      'release/',
      'test-results/',
      'playwright-report/',
      '.tools/',
      '.tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module', globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  ...Object.entries(LAYERS).map(([files, patterns]) => ({
    files: [files],
    rules: restrict(patterns),
  })),
  {
    files: ['src/**/*.ts'],
    rules: {
      // require('electron') would dodge the import rule.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.name='require'][arguments.0.value=/^electron(\\/|$)/]",
          message: 'src/ never requires electron.',
        },
        {
          selector: 'ImportExpression[source.value=/^electron(\\/|$)/]',
          message: 'src/ never imports electron, not even lazily.',
        },
      ],
    },
  },
  {
    // Promises that nobody awaits or handles are where errors disappear: checked with types, where
    // the code runs (the tests await what they test).
    files: ['src/**/*.ts', 'electron/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false } },
      ],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['src/renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
