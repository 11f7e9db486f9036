// One lint setup for the whole tree; each package runs `eslint .` against it.
import js from '@eslint/js';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.data/**', '**/drizzle/**', '**/.turbo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // mfa-core is pure: time, randomness and configuration are passed in.
    files: ['packages/mfa-core/src/**/*.ts'],
    rules: {
      'no-restricted-globals': ['error', 'process'],
      'no-restricted-imports': [
        'error',
        { patterns: ['fastify*', '@fastify/*', 'drizzle-orm*', 'react*', '@twofold/*'] },
      ],
    },
  },
);
