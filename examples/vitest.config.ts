import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One embedded server with the seeded demo site for the whole run (see global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    // The examples change and then restore shared demo data; one file at a time keeps them apart.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
