import { defineConfig } from 'vitest/config';

// One `vitest run` for everything: worker tests inside workerd, site unit tests in Node, browser tests driving Chromium,
// the tools' and the benchmark's pure parts in Node.
export default defineConfig({
  test: {
    projects: ['test/worker/vitest.config.ts', 'test/site/vitest.config.ts', 'test/browser/vitest.config.ts', 'test/tools/vitest.config.ts', 'test/bench/vitest.config.ts'],
  },
});
