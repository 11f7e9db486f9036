import { defineConfig } from 'vitest/config';

// In the workspace, @twofold/* resolve to their TypeScript sources (the `@twofold/source`
// condition), as in the packages. An app that installs the published packages needs no such
// line: they resolve to their built dist/ (scripts/pack-check.sh runs these tests that way).
export default defineConfig({
  resolve: { conditions: ['@twofold/source'] },
  ssr: { resolve: { conditions: ['@twofold/source'] } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
