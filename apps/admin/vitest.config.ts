import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    environment: 'node',
    // The browser test starts a real API and Chromium: generous, but a hang still fails.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
