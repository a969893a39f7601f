import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['.scratch*', 'bench/.tmp*', 'dist/**', 'node_modules/**', 'data/**', 'web/dist/**', 'coverage/**', 'test-artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through src/config.ts only.' }],
    },
  },
  {
    // The web app takes only types from the server (erased from the bundle), besides the pure SMS counter it shares.
    files: ['web/src/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(\\.\\./)+src/(?!channels/sms/sms-(encoding|normalise)$)',
          allowTypeImports: true,
          message: 'Import server code type-only (import type): the web bundle must not hold server code.',
        }],
      }],
    },
  },
  {
    // The API's contracts are read by the web's type check too: zod, one another, and modules' constant lists and schemas only.
    files: ['src/contracts/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{
          regex: '^\\.\\./(?!modules/[^/]+/[^/]+\\.(types|schemas)\\.js$)',
          message: 'A contract imports zod, another contract, or a module\'s *.types.ts / *.schemas.ts only.',
        }],
      }],
    },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
