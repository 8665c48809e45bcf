// npm run orders:seed: wrangler's real local D1 in a temp state directory, never .wrangler/state.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import catalog from '../../catalog/catalog.json';
import { ROOT, runCli } from './run-cli';

const SCRIPT = path.join(ROOT, 'tools', 'seed-orders.mjs');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true' };
const SLOW = 120_000;

let state: string;
const seed = (...args: string[]) => runCli(SCRIPT, [...args, '--persist-to', state], WRANGLER_ENV, SLOW);

function query<T>(sql: string): T[] {
  const result = spawnSync(process.execPath, [WRANGLER, 'd1', 'execute', 'DB', '--local', '--persist-to', state, '--json', '--command', sql], {
    cwd: ROOT,
    env: { ...process.env, ...WRANGLER_ENV },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return (JSON.parse(result.stdout) as { results: T[] }[])[0]!.results;
}

beforeAll(() => {
  state = mkdtempSync(path.join(tmpdir(), 'storefront-seed-orders-'));
});

afterAll(() => rmSync(state, { recursive: true, force: true }));

describe('npm run orders:seed', () => {
  it('migrates a fresh local database and adds 1,000 orders of every status, each with its line item, within the last 90 days', async () => {
    const started = Date.now();
    const result = await seed('1000');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('the local database holds 1000 seeded orders');

    const statuses = Object.fromEntries(query<{ status: string; n: number }>('SELECT status, count(*) AS n FROM orders GROUP BY status').map((row) => [row.status, row.n]));
    expect(statuses).toEqual({ fulfilled: 796, refunded: 50, pending: 50, expired: 50, payment_failed: 50, review: 2, disputed: 2 });
    expect(query<{ n: number }>('SELECT count(*) AS n FROM order_line_items')[0]!.n).toBe(1000);
    const [span] = query<{ oldest: number; newest: number }>('SELECT min(created_at) AS oldest, max(created_at) AS newest FROM orders');
    expect(span!.newest).toBeGreaterThanOrEqual(started);
    expect(span!.newest - span!.oldest).toBeLessThanOrEqual(90 * 24 * 60 * 60 * 1000);
    // Only the catalog's products, and a delivery token only where a digital product was delivered.
    const products = query<{ product_id: string }>('SELECT DISTINCT product_id FROM orders ORDER BY product_id').map((row) => row.product_id);
    expect(products).toEqual(catalog.products.map((product) => product.id).sort());
    const physical = catalog.products.filter((product) => !product.digital).map((product) => `'${product.id}'`).join(', ');
    expect(query<{ n: number }>(`SELECT count(*) AS n FROM orders WHERE delivery_token IS NOT NULL AND (product_id IN (${physical}) OR status NOT IN ('fulfilled', 'refunded', 'disputed'))`)[0]!.n).toBe(0);
  }, SLOW);

  it('run again with a larger count, it adds only the orders not there yet', async () => {
    const before = query<{ id: string; created_at: number }>("SELECT id, created_at FROM orders WHERE id = 'cs_test_seed00000500'")[0];
    const result = await seed('1200');
    expect(result.code, result.stderr).toBe(0);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM orders')[0]!.n).toBe(1200);
    expect(query<{ n: number }>('SELECT count(*) AS n FROM order_line_items')[0]!.n).toBe(1200);
    expect(query<{ id: string; created_at: number }>("SELECT id, created_at FROM orders WHERE id = 'cs_test_seed00000500'")[0]).toEqual(before);
  }, SLOW);

  it.each([['0'], ['1e3'], ['2.5'], ['many']])('refuses the count %s with exit 2 and changes nothing', async (count) => {
    const result = await seed(count);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('count must be a whole number from 1 to 10000000');
    expect(query<{ n: number }>('SELECT count(*) AS n FROM orders')[0]!.n).toBe(1200);
  }, SLOW);
});
