import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Process-level tests spawn children and own signal handlers; forks keep them isolated.
    pool: 'forks',
    // The JSON report lets CI print a plain 'N passed, N failed' line; it lives with the other caches.
    reporters: ['default', ['json', { outputFile: 'node_modules/.cache/vitest-results.json' }]],
  },
});
