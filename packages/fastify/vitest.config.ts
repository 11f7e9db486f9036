import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources in tests (the `@twofold/source` condition).
export default defineConfig({
  resolve: { conditions: ['@twofold/source'] },
  ssr: { resolve: { conditions: ['@twofold/source'] } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 60_000 },
});
