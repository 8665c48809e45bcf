import { defineConfig } from 'vitest/config';

// One `vitest run` for everything: worker tests inside workerd, browser tests in Node driving Chromium.
export default defineConfig({
  test: {
    projects: ['test/worker/vitest.config.ts'],
  },
});
