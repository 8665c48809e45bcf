import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = fileURLToPath(new URL('../..', import.meta.url));

// The benchmark's pure parts (bench/lib/*.mjs: the cost model, the chart), in plain Node.
// `npm run bench` itself is not a test: it measures and asserts nothing about time.
export default defineProject({
  test: {
    name: 'bench',
    root,
    environment: 'node',
    include: ['test/bench/**/*.test.ts'],
  },
});
