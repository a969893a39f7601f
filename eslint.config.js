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
    // Routes translate HTTP and call services: they get what they use from app.ts (src/http/route-plugin.ts).
    files: ['src/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/*.repository.js', '**/context.js', '**/app.js'], message: 'Route plugins receive services, never repositories, the Context or the app.' }] }],
    },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
