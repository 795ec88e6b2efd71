import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    environment: 'node',
    // One file at a time: each e2e file starts its own `tandem start` and Chromium, and four of them at
    // once on a 2-core machine turn waits for the demo into timeouts.
    fileParallelism: false,
    // The browser test starts a real API and Chromium: generous, but a hang still fails.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
