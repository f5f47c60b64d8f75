import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/test-dist/**', '**/node_modules/**', 'examples/**/dist/**', '.bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The gateway's own code (not its tests): per-request paths run here.
    files: ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts', 'plugins/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      // V8 allocates a function literal assigned straight to a property in the old generation;
      // holding a request's objects, dead, it keeps them through young collections (issue #19).
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "AssignmentExpression[operator='='][left.type='MemberExpression'][right.type=/^(ArrowFunctionExpression|FunctionExpression)$/]",
          message:
            'Assign a local instead (`const f = () => …; obj.prop = f`): V8 allocates a function literal assigned to a property in the old generation (test/unit/no-pretenured-closures.test.ts).',
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly' } },
  },
);
