import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two cores: more workers only fight over them and over the one PostgreSQL server.
    maxWorkers: 2,
    reporters: ['default'],
    // Builds web/dist for the browser tests (test/web) unless it is up to date.
    globalSetup: ['test/web/build-web.ts'],
  },
});
