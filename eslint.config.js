import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/codecs/generated/', 'results/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' }],
    },
  },
  {
    // Config files, codec modules and benchmark definitions (whose contract is a default export) are exempt from named-exports-only.
    files: ['*.config.ts', 'eslint.config.js', 'test/fixtures/codecs/*.mjs', 'benchmarks/**/*.mjs'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
