// ESLint 9 flat config: `npm run lint` (deploy/test.sh runs it before the tests).
// - typescript-eslint's recommended rules for every .ts file,
// - one import order (import-x/order): node built-ins, packages, @oms/*, then relative paths,
// - the layer rule of services/<name>/src (domain / application / entry-points / data-access), below.
// deploy/checks/eslint-layers.sh proves on every `npm test` that the layer rule still fires.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// ---- The layer rule ---------------------------------------------------------------------------------
// One zone per layer of services/*/src. Checked on the import string (no resolver, no build needed),
// with @typescript-eslint/no-restricted-imports so that `import type` and `import x = require()` count too.
const pkg = (names) => `^(?:${names.map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})(?:/.*)?$`;
// `../application`, `../../application/x`, `./../application`: any relative path that climbs into the sibling layer.
const layer = (names) => `^(?:\\./)?(?:\\.\\./)+(?:${names.join('|')})(?:/.*)?$`;
const zone = (files, rules) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': ['error', { patterns: rules.map(([regex, message]) => ({ regex, message })) }],
  },
});
const layerRules = [
  zone(
    ['services/*/src/domain/**/*.ts'],
    [
      [
        pkg([
          'mongoose',
          'express',
          'amqplib',
          'ioredis',
          'node:http',
          'http',
          '@oms/messaging',
          '@oms/outbox',
          '@oms/runtime',
          '@oms/http',
          '@oms/mongo',
          '@oms/redis',
        ]),
        'domain/ is pure: no database, broker, cache or HTTP (infrastructure goes in data-access/ or entry-points/).',
      ],
      [layer(['application', 'entry-points', 'data-access']), 'domain/ depends on no other layer of its service.'],
    ],
  ),
  zone(
    ['services/*/src/application/**/*.ts'],
    [
      [pkg(['express', 'amqplib', '@oms/http']), 'application/ knows no transport (HTTP or AMQP): that is entry-points/.'],
      [layer(['entry-points']), 'application/ is called by entry-points/, never the other way round.'],
    ],
  ),
  zone(
    ['services/*/src/entry-points/**/*.ts'],
    [
      [pkg(['mongoose']), 'entry-points/ reach the database through application/ (and its data-access/), not with mongoose.'],
      [layer(['data-access']), 'entry-points/ go through application/, not straight to data-access/.'],
    ],
  ),
  zone(
    ['services/*/src/data-access/**/*.ts'],
    [[layer(['application', 'entry-points']), 'data-access/ is used by the layers above it and uses none of them.']],
  ),
];

const promiseRules = {
  '@typescript-eslint/no-floating-promises': 'error',
  '@typescript-eslint/no-misused-promises': 'error',
  '@typescript-eslint/await-thenable': 'error',
  '@typescript-eslint/only-throw-error': 'error',
};

export default defineConfig(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.run/**'] },

  js.configs.recommended,
  { files: ['**/*.ts', '**/*.tsx'], extends: [tseslint.configs.recommended] },

  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { globals: globals.node },
    rules: {
      // The code base marks a deliberately unused binding with a leading underscore: an Express error handler's `_next`
      // (Express counts the parameters), a callback's leading parameters, and the fields taken out of an object with
      // a rest pattern (`const { secret: _secret, ...shown } = x`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // Tests and the test kit read what the system under test answers (HTTP bodies, AMQP payloads, stored documents) and
  // feed it deliberately malformed input; typing those as `any` is the point there, and a cast to a precise type
  // would be just as unchecked. Production code (src/) keeps the rule.
  {
    files: ['**/test/**/*.ts', 'packages/testing/src/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Type-aware, on the files of tsconfig.test.json (one program for the repository): only the rules that catch promise and
  // throw mistakes, which cost most in a message-driven system (a floating promise loses an error or an acknowledgement).
  // The whole recommendedTypeChecked set would add about 1,100 findings today, nearly all no-unsafe-* flowing from `any`
  // (tests, untyped JSON); enable it once src/ is clear of them.
  {
    files: ['packages/*/src/**/*.ts', 'packages/*/test/**/*.ts', 'services/*/src/**/*.ts', 'services/*/test/**/*.ts'],
    // The layer rule's self-check (deploy/checks/eslint-layers.mjs) lints made-up files of this name, which no program has.
    ignores: ['**/__eslint-layer-probe__.ts', 'packages/console/**'],
    languageOptions: { parserOptions: { project: ['./tsconfig.test.json'], tsconfigRootDir: import.meta.dirname } },
    rules: promiseRules,
  },
  // The console runs in the browser and has its own program (JSX, the DOM's types).
  {
    files: ['packages/console/src/**/*.ts', 'packages/console/src/**/*.tsx'],
    languageOptions: {
      globals: globals.browser,
      parserOptions: { project: ['./packages/console/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    // The views render what other services answer, documented loosely in the API (`.loose()` views): typed as
    // `any` where they read it, as the tests do.
    rules: { ...promiseRules, '@typescript-eslint/no-explicit-any': 'off' },
  },
  // Plain Node scripts (deploy/, bins, fixtures): CommonJS with require().
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
  },
  { files: ['**/*.mjs'], languageOptions: { sourceType: 'module', globals: globals.node } },

  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/internal-regex': '^@oms/' },
    rules: {
      'import-x/order': [
        'error',
        {
          groups: ['builtin', 'external', 'internal', ['parent', 'sibling', 'index']],
          'newlines-between': 'never',
        },
      ],
    },
  },

  ...layerRules,
);
