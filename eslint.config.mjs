// One linter for the workspace: typescript-eslint with the type-aware rules that catch real bugs (a promise nobody
// awaits, an await on a non-promise), unused code, and the package boundaries docs/ARCHITECTURE.md states.
// Formatting is Prettier's job; eslint-config-prettier turns off every stylistic rule that would fight it.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Packages a file under `dir` must not import: the floors of docs/ARCHITECTURE.md ("Packages and their floors"). */
const boundaries = [
  // A platform worker fetches and pushes; only the erp-writer talks to iDempiere.
  { files: ['packages/platforms/**', 'services/worker-*/**'], banned: ['@oms/idempiere', '@oms/scheduling'] },
  { files: ['packages/idempiere/src/**'], banned: ['@oms/platforms', '@oms/scheduling', '@oms/sandbox'] },
  { files: ['packages/queue/src/**'], banned: ['@oms/db', '@oms/platforms', '@oms/idempiere', '@oms/scheduling'] },
  { files: ['packages/{config,core,logger}/src/**'], banned: ['@oms/*'] },
  { files: ['packages/db/src/**'], banned: ['@oms/queue', '@oms/platforms', '@oms/idempiere', '@oms/scheduling'] },
  // The sandbox stands in for outside systems: it must not share code with the client that talks to it. It starts
  // and stops through @oms/queue's runService like every service.
  { files: ['services/sandbox/**'], banned: ['@oms/core', '@oms/db', '@oms/platforms', '@oms/idempiere'] },
];
/** Production code never reaches the test helpers or the stand-ins (their own tests and benchmarks may). */
const productionBanned = ['@oms/testing', '@oms/sandbox'];
const notProduction = ['**/*.test.ts', '**/scripts/**'];
const restrictImports = (banned) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: banned.map((group) => ({
        group: [group, `${group}/**`],
        message: 'Crosses a package boundary (docs/ARCHITECTURE.md).',
      })),
    },
  ],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'packages/db/src/generated/**', 'dist/**', 'coverage/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': [
        'error',
        {
          // Platform differences live behind the adapter interface (packages/platforms/src/adapter.ts).
          selector: 'BinaryExpression[operator=/^[!=]==$/][right.value=/^(shopee|cyberbiz|shopline|momo)$/]',
          message: 'Ask the adapter, not the platform kind: platform differences live in packages/platforms.',
        },
      ],
    },
  },
  {
    // Tests and benchmarks read untyped JSON answers and name platform kinds to set up their cases.
    files: ['**/*.test.ts', 'test/**', '**/scripts/**', 'services/sandbox/src/test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', 'no-restricted-syntax': 'off' },
  },
  {
    // The adapters and the sandbox's platform modules are where the kinds are named.
    files: ['packages/platforms/src/**', 'services/sandbox/src/**', 'packages/core/src/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Plain JavaScript (build scripts, the container health check) is outside the TypeScript project.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The browser console is plain ES modules for the browser, not part of the TypeScript project.
    files: ['services/api/public/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'module' },
  },
  // A later config's no-restricted-imports replaces an earlier one for the same file, so each file gets one
  // entry with everything it may not import: its floor, plus the production bans outside tests and scripts.
  {
    files: ['packages/*/src/**', 'services/*/src/**'],
    ignores: notProduction,
    rules: restrictImports(productionBanned),
  },
  ...boundaries.flatMap(({ files, banned }) => [
    { files, rules: restrictImports(banned) },
    { files, ignores: notProduction, rules: restrictImports([...new Set([...banned, ...productionBanned])]) },
  ]),
  prettier,
);
