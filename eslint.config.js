// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** src/ runs under plain Node and in a browser; only electron/ may touch Electron. */
export const electronBoundaryRule = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        {
          name: 'electron',
          message: 'src/ never imports electron: put it in electron/ behind a port.',
        },
      ],
      patterns: [
        {
          regex: '^electron(/.*)?$',
          message: 'src/ never imports electron: put it in electron/ behind a port.',
        },
        {
          regex: '^electron-log/(main|renderer|preload)$',
          message: 'electron-log/main requires Electron: inject a Logger into core code instead.',
        },
      ],
    },
  ],
};

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
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.node } },
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
  {
    files: ['src/**/*.ts'],
    rules: {
      ...electronBoundaryRule,
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
);
