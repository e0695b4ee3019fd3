import { defineConfig } from 'vitest/config';

// Integration suites that need real services (PostgreSQL, MariaDB) or real sockets on loopback.
// Files run one at a time: they share the servers and kill sessions on purpose.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
