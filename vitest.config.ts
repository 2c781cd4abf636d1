import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Process-level tests spawn children and own signal handlers; forks keep them isolated.
    pool: 'forks',
  },
});
