import { defineConfig } from 'vitest/config';

// Browser tests: Debian's chromium driven by playwright-core (never a downloaded browser).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
