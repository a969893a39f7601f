import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const configFromEnv = {
  selector: "MemberExpression[object.name='process'][property.name='env']",
  message: 'Read configuration through src/config.ts only.',
};

/** `x.name === 'postgres'`, `'sqlite' !== x.name`, `case 'sqlite':` on a `.name`: asking which engine this is. */
const ENGINE_NAME = '/^(sqlite|postgres)$/';
const askWhichEngine =
  'Use a flag or an operation of the engine (src/db/engines/engine.ts) instead of asking which engine this is.';
const engineComparisons = [
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/][left.property.name='name'][right.value=${ENGINE_NAME}]`,
    message: askWhichEngine,
  },
  {
    selector: `BinaryExpression[operator=/^[!=]==?$/][right.property.name='name'][left.value=${ENGINE_NAME}]`,
    message: askWhichEngine,
  },
  {
    selector: `SwitchStatement[discriminant.property.name='name'] > SwitchCase[test.value=${ENGINE_NAME}]`,
    message: askWhichEngine,
  },
];

// The engine is picked in one place (src/db/engines/index.ts); everything else sees the Engine interface.
const engineFolders = {
  group: ['**/engines/sqlite/**', '**/engines/postgres/**'],
  message: 'Import src/db/engines/index.ts or engine.ts: an engine folder is for src/db/engines/ only.',
};
// Routes translate HTTP and call services: they get what they use from app.ts (src/http/route-plugin.ts).
const routeImports = {
  group: ['**/*.repository.js', '**/context.js', '**/app.js'],
  message: 'Route plugins receive services, never repositories, the Context or the app.',
};

export default tseslint.config(
  {
    ignores: [
      '.scratch*',
      'bench/.tmp*',
      'dist/**',
      'node_modules/**',
      'data/**',
      'web/dist/**',
      'coverage/**',
      'test-artifacts/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', configFromEnv, ...engineComparisons],
      'no-restricted-imports': ['error', { patterns: [engineFolders] }],
    },
  },
  {
    files: ['src/**/*.routes.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [engineFolders, routeImports] }] },
  },
  {
    // Inside the engines the engine is known; migrations are frozen DDL, written per engine where it differs.
    files: ['src/db/engines/**', 'src/db/migrations/**'],
    rules: { 'no-restricted-syntax': ['error', configFromEnv] },
  },
  {
    // Inside the engines, and the tests of an engine's own parts (test/db/).
    files: ['src/db/engines/**', 'test/db/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // The web app takes only types from the server (erased from the bundle), besides the pure SMS counter and the value lists it shares.
    files: ['web/src/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!channels/sms/sms-(encoding|normalise)$|contracts/lists$)',
              allowTypeImports: true,
              message: 'Import server code type-only (import type): the web bundle must not hold server code.',
            },
          ],
        },
      ],
    },
  },
  {
    // The API's contracts are read by the web's type check too: zod, one another, and modules' constant lists and schemas only.
    files: ['src/contracts/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!modules/[^/]+/[^/]+\\.(types|schemas)\\.js$)',
              message: "A contract imports zod, another contract, or a module's *.types.ts / *.schemas.ts only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/config.ts', 'test/**', 'bench/**', '*.config.*'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  // Layout is the formatter's (npm run format); lint keeps to what code means.
  prettier,
);
