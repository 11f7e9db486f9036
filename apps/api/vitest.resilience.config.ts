import { defineConfig } from 'vitest/config';

// The resilience suite (`pnpm test:resilience`): real PostgreSQL, Redis, SMTP and API processes
// started by the suite itself. One file at a time: several scenarios load the whole machine.
export default defineConfig({
  resolve: { conditions: ['@twofold/source'] },
  ssr: { resolve: { conditions: ['@twofold/source'] } },
  test: {
    include: ['resilience/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
