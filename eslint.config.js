import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'artifacts/**',
      '.data/**',
      'src/ui/web/**',
      '**/*.mjs',
      '**/*.cjs',
      // Programs in every language, run in the sandbox images (test/images/languages.sh), not project code.
      'test/fixtures/languages/**',
      'test/fixtures/hello/**',
      'test/fixtures/runtime-error/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    // Workflow code must stay deterministic: no Node built-ins, no clients, activities by type only.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'http', 'https', 'net'],
              message: 'no Node built-ins in workflows',
            },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@kubernetes/*', 'express'],
              message: 'workflows do no I/O',
            },
            { group: ['../activities/*', '!../activities/index.js'], message: 'import activities by type only' },
            { group: ['../kube/*', '../api/*', '../config/*'], message: 'workflows do no I/O' },
          ],
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '../activities/index.js', message: 'import activities by type only', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
