import { defineConfig } from 'vitest/config';

// The browser suite: real API and Vite processes, real headless Chromium (see e2e/stack.ts).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
