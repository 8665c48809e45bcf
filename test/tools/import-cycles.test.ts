// Arrows point down: no module of the catalog, the contract, the site or the worker imports, however
// indirectly, a module that imports it (type-only imports count).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles } from '../../tools/import-cycles.mjs';

describe('import circles', () => {
  it('there are none in catalog/, contract/, site/ and worker/', () => {
    expect(importCycles()).toEqual([]);
  });

  it('the check finds a circle, type-only imports included', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cycles-'));
    for (const dir of ['catalog', 'contract', 'site', 'worker']) mkdirSync(path.join(root, dir));
    writeFileSync(path.join(root, 'worker', 'env.ts'), "import type { Hook } from './fulfil';\nexport interface Env { hook: Hook }\n");
    writeFileSync(path.join(root, 'worker', 'fulfil.ts'), "import type { Env } from './env';\nexport type Hook = (env: Env) => void;\n");
    expect(importCycles(root)).toEqual([['worker/env.ts', 'worker/fulfil.ts', 'worker/env.ts']]);
  });
});
