import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Browser end-to-end tests: Node drives the system Chromium (playwright-core) against the
// real worker (`wrangler dev` with the real wrangler.toml and the built dist/), started once
// by the global setup on a free loopback port with a fresh local D1.
export default defineProject({
  test: {
    name: 'browser',
    root,
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['test/browser/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
