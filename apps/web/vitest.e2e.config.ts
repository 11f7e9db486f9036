import { defineConfig } from 'vitest/config';

// The browser suite: real API and Vite processes, real headless Chromium (see e2e/stack.ts).
export default defineConfig({
  test: {
    environment: 'node',
    include: ['e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // A page waits on the API and a real browser: a poll gets 10 s, not Vitest's default 1 s
    // (a sign-up's first password hash on a busy 2-core machine takes longer than that).
    expect: { poll: { timeout: 10_000 } },
  },
});
