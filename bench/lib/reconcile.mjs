// The reconciliation's cost with no drift (issue 26): Stripe API calls and D1 rows read and
// written by one whole run (POST /api/admin/reconcile until the run finishes, as the seller's
// "Reconcile now" or the cron carries it on), at catalogs of 10 / 1,000 / 10,000 products and
// order tables of 1k / 100k rows. The local Stripe runs in this process and is seeded through
// its store (no HTTP per object); its objects and their events are dated 40 days back, outside
// the 30 days of events a run reads. D1's orders are seeded by one INSERT … SELECT each. A first
// run fills the mirror (drift: missing, repaired); the second run, with nothing changed, is measured.
import path from 'node:path';
import { applyMigrations, oursOptions, startMiniflare } from './load.mjs';
import { meterOf } from './meter.mjs';
import { REPO_ROOT } from './paths.mjs';
import { table } from './report.mjs';

const SYNC_TOKEN = 'bench_reconcile_token_0123456789abcdef';
const OLD_S = Math.floor(Date.now() / 1000) - 40 * 24 * 60 * 60;

/** Fulfilled orders from..to (1-based) with a line each, dated 40 days back; ids bench-distinct. */
const SEED_ORDERS = `
WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
INSERT INTO orders (id, status, product_id, amount_total, currency, customer_email, mode, livemode, delivery_token, fulfilled_at, created_at, updated_at, payment_intent)
SELECT printf('cs_test_rec%08d', i), 'fulfilled', 'field-notes', 1200, 'usd', printf('buyer%d@example.com', i / 3), 'payment', 0,
       printf('dl_rec%08d', i), ?3 + i, ?3 + i, ?3 + i, printf('pi_rec%08d', i)
FROM n`;
const SEED_LINES = `
WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
INSERT INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency)
SELECT printf('cs_test_rec%08d', i), 0, NULL, 'field-notes', 'Field Notes', 1, 1200, 'usd' FROM n`;

const listFrom = (raw, fallback) => (raw ? raw.split(/[ ,/]+/).filter(Boolean).map(Number) : fallback);

/**
 * @param {{ scriptPath: string, compatibilityDate: string }} bundle the profile bundle (metered D1)
 * @param {{ quick?: boolean }} [options]
 */
export async function reconcileCost(bundle, { quick = false } = {}) {
  const productSizes = listFrom(process.env.BENCH_RECONCILE_PRODUCTS, quick ? [10, 1000] : [10, 1000, 10_000]);
  const orderSizes = listFrom(process.env.BENCH_RECONCILE_ORDERS, quick ? [1000, 10_000] : [1000, 100_000]);
  const { runnerImport } = await import('vite');
  const { module } = await runnerImport(path.join(REPO_ROOT, 'tools', 'local-stripe', 'index.ts'), { configFile: false, logLevel: 'error', root: REPO_ROOT });
  const stripe = await module.startLocalStripe({ log: false, webhookRetryDelaysMs: [] });
  const { base, vars } = await oursOptions();
  const worker = await startMiniflare(
    bundle,
    { ...vars, STRIPE_WEBHOOK_SECRET: 'whsec_bench_reconcile', SYNC_TOKEN, STRIPE_SECRET_KEY: 'sk_test_bench_reconcile', STRIPE_API_BASE: stripe.url },
    {},
    { base },
  );
  const meter = meterOf(worker.url);
  const rows = [];
  try {
    await applyMigrations(worker.mf);
    const db = await worker.mf.getD1Database('DB');
    let products = 0;
    let orders = 0;
    for (const productCount of productSizes) {
      for (; products < productCount; products++) {
        stripe.seedProduct({ name: `Bench product ${products + 1}`, metadata: { catalog_id: `bench-${products + 1}` }, default_price_data: { currency: 'usd', unit_amount: 1000 + (products % 500) } }, { created: OLD_S });
      }
      await wholeRun(worker.url); // fills the mirror: the drift it repairs is not what is measured
      for (const orderCount of orderSizes) {
        if (orders > orderCount) {
          await db.prepare('DELETE FROM order_line_items WHERE order_id > ?1').bind(`cs_test_rec${String(orderCount).padStart(8, '0')}`).run();
          await db.prepare('DELETE FROM orders WHERE id > ?1').bind(`cs_test_rec${String(orderCount).padStart(8, '0')}`).run();
        } else if (orders < orderCount) {
          await db.prepare(SEED_ORDERS).bind(orders + 1, orderCount, (OLD_S - 1) * 1000).run();
          await db.prepare(SEED_LINES).bind(orders + 1, orderCount).run();
        }
        orders = orderCount;
        await meter.reset();
        const stripeBefore = stripe.requests.length;
        const started = performance.now();
        const run = await wholeRun(worker.url);
        const ms = performance.now() - started;
        const calls = stripe.requests.slice(stripeBefore);
        const d1 = (await meter.read()).fetch;
        rows.push({
          products: productCount,
          orders: orderCount,
          drift: run.report.drift.length,
          calls: run.calls,
          stripeCalls: calls.length,
          stripeByPath: countBy(calls.map((call) => `${call.method} ${call.path}`)),
          pages: run.report.run.pages,
          compared: run.report.run.compared,
          d1RoundTrips: d1.roundTrips,
          d1RowsRead: d1.rowsRead,
          d1RowsWritten: d1.rowsWritten,
          ms,
        });
      }
    }
  } finally {
    await worker.dispose();
    await stripe.close();
  }
  print(rows);
  return { productSizes, orderSizes, rows };
}

/** @param {string[]} keys */
function countBy(keys) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

/** POST /api/admin/reconcile until the run it starts has finished; the last report and the calls made. */
async function wholeRun(url) {
  for (let calls = 1; ; calls++) {
    const response = await fetch(new URL('/api/admin/reconcile', url), {
      method: 'POST',
      headers: { authorization: `Bearer ${SYNC_TOKEN}`, 'content-type': 'application/json', origin: url.origin },
      body: '{}',
    });
    if (response.status !== 200) throw new Error(`POST /api/admin/reconcile answered ${response.status}: ${await response.text()}`);
    const report = await response.json();
    if (report.run?.finishedAt) return { report, calls };
    if (calls > 10_000) throw new Error('the reconciliation did not finish in 10,000 calls');
  }
}

function print(rows) {
  console.log('\n== Reconciliation with no drift: one whole run (POST /api/admin/reconcile until finished) ==');
  console.log(
    table(
      ['products', 'orders', 'calls', 'Stripe API calls', 'list pages', 'compared', 'drift', 'D1 round trips', 'D1 rows read', 'D1 rows written', 'ms'],
      rows.map((row) => [row.products, row.orders, row.calls, row.stripeCalls, row.pages, row.compared, row.drift, row.d1RoundTrips, row.d1RowsRead, row.d1RowsWritten, Math.round(row.ms)].map((value) => value.toLocaleString('en-US'))),
      'rrrrrrrrrrr',
    ),
  );
  const paths = rows.at(-1)?.stripeByPath;
  if (paths) console.log(`Stripe calls of the last row by path: ${Object.entries(paths).map(([key, n]) => `${key} ×${n}`).join(', ')}`);
}

// `node bench/lib/reconcile.mjs [--quick]`: this step alone (builds only the metered bundle).
if (import.meta.url === `file://${process.argv[1]}`) {
  const { mkdtempSync, readdirSync, readFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { BENCH_DIR, WRANGLER_BIN, WRANGLER_ENV } = await import('./paths.mjs');
  const { run, cleanupAll } = await import('./proc.mjs');
  const outdir = mkdtempSync(path.join(tmpdir(), 'bench-reconcile-'));
  const config = path.join(BENCH_DIR, 'profile', 'wrangler.toml');
  await run(process.execPath, [WRANGLER_BIN, 'deploy', '--dry-run', '--minify', '--outdir', outdir, '--config', config], {
    cwd: REPO_ROOT,
    env: { ...WRANGLER_ENV, SKIP_SITE_BUILD: 'true' },
    timeoutMs: 180_000,
  });
  const script = readdirSync(outdir).find((file) => file.endsWith('.js'));
  const compatibilityDate = /compatibility_date\s*=\s*"([^"]+)"/.exec(readFileSync(config, 'utf8'))?.[1];
  try {
    await reconcileCost({ scriptPath: path.join(outdir, String(script)), compatibilityDate: String(compatibilityDate) }, { quick: process.argv.includes('--quick') });
  } finally {
    await cleanupAll();
  }
}
