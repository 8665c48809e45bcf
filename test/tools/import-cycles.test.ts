// Arrows point down: in every code folder (contract/, catalog/, worker/, site/, tools/ with the
// local Stripe, bench/) no module imports, however indirectly, a module that imports it, no
// folders import each other in a loop, and no import points up a layer (type-only imports count).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { folderLoops, importCycles, layerViolations } from '../../tools/import-cycles.mjs';

/** A scratch tree of the given files (path → source). */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'arrows-'));
  for (const [file, source] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), source);
  }
  return root;
}

describe('file circles', () => {
  it('there are none in contract/, catalog/, worker/, site/, tools/ (the local Stripe included) and bench/', () => {
    expect(importCycles()).toEqual([]);
  });

  it('the check finds a circle, type-only imports included, in every code folder (.ts and .mjs)', () => {
    const root = tree({
      'worker/platform/env.ts': "import type { Hook } from '../seller-hooks';\nexport interface Env { hook: Hook }\n",
      'worker/seller-hooks.ts': "import type { Env } from './platform/env';\nexport type Hook = (env: Env) => void;\n",
      'tools/a.mjs': "import { b } from './b.mjs';\nexport const a = () => b;\n",
      'tools/b.mjs': "export const b = () => import('./a.mjs');\n",
    });
    expect(importCycles(root)).toEqual([
      ['tools/a.mjs', 'tools/b.mjs', 'tools/a.mjs'],
      ['worker/platform/env.ts', 'worker/seller-hooks.ts', 'worker/platform/env.ts'],
    ]);
  });

  it('a knot of many files is one finding, shown as its shortest circle', () => {
    const root = tree({
      'bench/lib/a.mjs': "import './b.mjs';\nimport './c.mjs';\n",
      'bench/lib/b.mjs': "import './c.mjs';\n",
      'bench/lib/c.mjs': "import './a.mjs';\nimport './b.mjs';\n",
    });
    expect(importCycles(root)).toEqual([['bench/lib/a.mjs', 'bench/lib/c.mjs', 'bench/lib/a.mjs']]);
  });
});

describe('folder loops', () => {
  it('there are none in any code folder, the local Stripe included', () => {
    expect(folderLoops()).toEqual([]);
  });

  it('the check finds two folders importing each other where no file circle runs', () => {
    const root = tree({
      'worker/orders/order-events.ts': "import { files } from '../delivery/files';\nexport const fulfil = files;\n",
      'worker/orders/line-items.ts': 'export const lines = 1;\n',
      'worker/delivery/files.ts': 'export const files = 1;\n',
      'worker/delivery/download.ts': "import { lines } from '../orders/line-items';\nexport const download = lines;\n",
    });
    expect(importCycles(root)).toEqual([]);
    expect(folderLoops(root)).toEqual([
      'worker/delivery/ → worker/orders/ → worker/delivery/ (worker/delivery/download.ts → worker/orders/line-items.ts; worker/orders/order-events.ts → worker/delivery/files.ts)',
    ]);
  });

  it("a tree's loose root files stand alone: the entry above a folder, the seller's hooks below it, is no loop", () => {
    const root = tree({
      'worker/app.ts': "import { route } from './routes/orders';\nexport const app = route;\n",
      'worker/seller-hooks.ts': 'export const fulfil = 1;\n',
      'worker/routes/orders.ts': "import { fulfil } from '../seller-hooks';\nexport const route = fulfil;\n",
    });
    expect(folderLoops(root)).toEqual([]);
  });
});

describe('layers', () => {
  it('every import in every code folder points down a layer (or within one), and no tree imports one it stands apart from', () => {
    expect(layerViolations()).toEqual([]);
  });

  it('the check finds the store importing the domain, the worker importing the site, and a tool importing the worker', () => {
    const root = tree({
      'worker/orders/order.ts': 'export interface Order { id: string }\n',
      'worker/store/orders.ts': "import type { Order } from '../orders/order';\nexport type Row = Order;\n",
      'site/money.ts': 'export const cents = 100;\n',
      'worker/orders/price.ts': "import { cents } from '../../site/money';\nexport const unit = cents;\n",
      'tools/seed.mjs': "import { unit } from '../worker/orders/price.ts';\nexport const seed = unit;\n",
    });
    expect(layerViolations(root).sort()).toEqual([
      'tools/seed.mjs → worker/orders/price.ts (tools → use cases)',
      'worker/orders/price.ts → site/money.ts (use cases → site)',
      'worker/store/orders.ts → worker/orders/order.ts (store → use cases)',
    ]);
  });

  it("the site's typed client may take the API's type from the worker's routes (import type, erased), and nothing else of the worker", () => {
    const api = "export const api = 1;\nexport type Api = typeof api;\n";
    const typeOnly = tree({ 'worker/routes/api.ts': api, 'site/src/api.ts': "import type { Api } from '../../worker/routes/api';\nexport type Client = Api;\n" });
    expect(layerViolations(typeOnly)).toEqual([]);
    const value = tree({ 'worker/routes/api.ts': api, 'site/src/api.ts': "import { api } from '../../worker/routes/api';\nexport const client = api;\n" });
    expect(layerViolations(value)).toEqual(['site/src/api.ts → worker/routes/api.ts (site → http)']);
    const elsewhere = tree({ 'worker/routes/api.ts': api, 'site/src/cart.ts': "import type { Api } from '../../worker/routes/api';\nexport type Client = Api;\n" });
    expect(layerViolations(elsewhere)).toEqual(['site/src/cart.ts → worker/routes/api.ts (site → http)']);
  });
});
