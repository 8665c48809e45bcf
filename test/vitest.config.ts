import { defineConfig } from 'vitest/config';

// One `vitest run` for everything: worker tests inside workerd, site unit tests in Node, browser tests driving Chromium,
// the tools' and the benchmark's pure parts in Node.
export default defineConfig({
  test: {
    // Quiet when green: a test's console output (the worker's logged rejections included) is printed
    // only if that test fails. Output options are root-only: vitest ignores them in a project's config.
    silent: 'passed-only',
    projects: ['test/worker/vitest.config.ts', 'test/site/vitest.config.ts', 'test/browser/vitest.config.ts', 'test/tools/vitest.config.ts', 'test/bench/vitest.config.ts'],
  },
});
