import { defineConfig } from 'vitest/config';

// Test files run in parallel worker processes; every harness binds its own loopback port.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: true,
    testTimeout: 30_000,
    // Long enough for a k3s container to start (and its image to be pulled) where Docker exists.
    hookTimeout: 180_000,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
