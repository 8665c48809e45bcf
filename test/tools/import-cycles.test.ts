// Arrows point down: no module of the catalog, the contract, the site or the worker imports, however
// indirectly, a module that imports it (type-only imports count).
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCycles, layerViolations } from '../../tools/import-cycles.mjs';

describe('import circles', () => {
  it('there are none in catalog/, contract/, site/ and worker/', () => {
    expect(importCycles()).toEqual([]);
  });

  it('the check finds a circle, type-only imports included', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cycles-'));
    for (const dir of ['catalog', 'contract', 'site', 'worker']) mkdirSync(path.join(root, dir));
    writeFileSync(path.join(root, 'worker', 'env.ts'), "import type { Hook } from './fulfil';\nexport interface Env { hook: Hook }\n");
    writeFileSync(path.join(root, 'worker', 'fulfil.ts'), "import type { Env } from './env';\nexport type Hook = (env: Env) => void;\n");
    expect(importCycles(root)).toEqual([['worker/env.ts', 'worker/seller-hooks.ts', 'worker/env.ts']]);
  });
});

describe('layers', () => {
  it('every import in catalog/, contract/, site/ and worker/ points down a layer (or within one)', () => {
    expect(layerViolations()).toEqual([]);
  });

  it('the check finds the store importing the domain, and the worker importing the site', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'layers-'));
    for (const dir of ['catalog', 'contract', 'site', 'worker/store', 'worker/orders']) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, 'worker', 'orders', 'order.ts'), 'export interface Order { id: string }\n');
    writeFileSync(path.join(root, 'worker', 'store', 'orders.ts'), "import type { Order } from '../orders/order';\nexport type Row = Order;\n");
    writeFileSync(path.join(root, 'site', 'money.ts'), 'export const cents = 100;\n');
    writeFileSync(path.join(root, 'worker', 'orders', 'price.ts'), "import { cents } from '../../site/money';\nexport const unit = cents;\n");
    expect(layerViolations(root).sort()).toEqual([
      'worker/orders/price.ts → site/money.ts (domain → site)',
      'worker/store/orders.ts → worker/orders/order.ts (store → domain)',
    ]);
  });
});
