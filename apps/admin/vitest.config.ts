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
    // expect.poll waits for what a user would wait for (a live update, a re-render); vitest's 1 s default
    // turned a busy CI machine's slow frame into a failure. A poll still fails when the thing never shows.
    expect: { poll: { timeout: 15_000 } },
  },
});
