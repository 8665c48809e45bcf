import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The seller's CLIs (tools/*.mjs) and the fake Stripe API they and the worker tests run against,
// in plain Node. Everything listens on 127.0.0.1 only.
export default defineProject({
  test: {
    name: 'tools',
    root,
    environment: 'node',
    include: ['test/tools/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
