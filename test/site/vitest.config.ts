import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

// Unit tests for the storefront's DOM-free modules (site/src) and the shared catalog/ in plain Node,
// plus checks on the built dist/ (`npm test` runs `vite build` first).
export default defineProject({
  test: {
    name: 'site',
    root,
    environment: 'node',
    include: ['test/site/**/*.test.ts', 'test/catalog/**/*.test.ts'],
  },
});
