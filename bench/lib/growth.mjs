// Growth curves: what one operation costs (time, and D1 rows from D1's own meta) as the shop
// grows — catalogs of 10 / 1,000 / 10,000 products, order tables of 1k / 100k / 1M rows, and
// the back office's orders page (list, older pages, status filter, search, totals) on them.
// One database grows step by step; each step is seeded by one INSERT … SELECT over a
// recursive CTE (no round trip per row), then every operation is measured at one connection.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { priceUpdated, WEBHOOK_SECRET } from './events.mjs';
import { applyMigrations, oursOptions, percentile, post, startMiniflare } from './load.mjs';
import { drainOutbox, meterOf } from './meter.mjs';

const SEED_TIME_MS = 1_700_000_000_000;
/** The UTC day every seeded order falls on (2023-11-14). */
const SEED_DAY = new Date(SEED_TIME_MS).toISOString().slice(0, 10);

/** Products `from`..`to` (1-based), each with one active one-time price; slug `bench-<i>`. */
const SEED_PRODUCTS = `
WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
INSERT INTO stripe_products (id, active, name, description, default_price, deleted, raw, synced_created, synced_event, updated_at)
SELECT printf('prod_bench%07d', i), 1, printf('Bench product %07d', i), 'A product the bench seeded', printf('price_bench%07d', i), 0,
       json_object('id', printf('prod_bench%07d', i), 'object', 'product', 'active', json('true'), 'name', printf('Bench product %07d', i),
                   'metadata', json_object('catalog_id', printf('bench-%d', i))),
       1700000000, 'evt_bench_seed', ${SEED_TIME_MS}
FROM n`;

const SEED_PRICES = `
WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
INSERT INTO stripe_prices (id, product, active, currency, unit_amount, type, recurring_interval, deleted, raw, synced_created, synced_event, updated_at)
SELECT printf('price_bench%07d', i), printf('prod_bench%07d', i), 1, 'usd', 1000 + i % 500, 'one_time', NULL, 0,
       json_object('id', printf('price_bench%07d', i), 'object', 'price', 'product', printf('prod_bench%07d', i)),
       1700000000, 'evt_bench_seed', ${SEED_TIME_MS}
FROM n`;

/** Fulfilled orders `from`..`to`, three per buyer, as the webhook leaves them. */
const SEED_ORDERS = `
WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
INSERT INTO orders (id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email, mode, livemode,
                    delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at)
SELECT printf('cs_test_seed%08d', i), 'fulfilled', printf('seed_buyer_%d', i / 3), NULL, 'field-notes', 1200, 'usd', NULL,
       CASE WHEN i % 10 = 0 THEN 'subscription' ELSE 'payment' END, 0,
       printf('dl_seed%08d', i), ${SEED_TIME_MS} + i, ${SEED_TIME_MS} + i, ${SEED_TIME_MS} + i, printf('pi_seed%08d', i),
       CASE WHEN i % 10 = 0 THEN printf('sub_seed%08d', i) END, NULL
FROM n`;

/** One line item per seeded order, as a Payment Link order has. */
const SEED_LINE_ITEMS = `
WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2)
INSERT INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency)
SELECT printf('cs_test_seed%08d', i), 0, NULL, 'field-notes', 'Field Notes', 1, 1200, 'usd' FROM n`;

/** The back office's bearer in the bench (SYNC_TOKEN, as without Cloudflare Access). */
const BENCH_SYNC_TOKEN = 'bench_back_office_token_0123456789';
/** The seeded buyer whose three orders the back office finds by email. */
const PROBE_EMAIL = 'probe-buyer@example.com';
const RECENT_ORDERS = 300;
const DAY_MS = 24 * 60 * 60 * 1000;

/** `count` fulfilled orders spread over the 30 days before `now`: what the sales totals add up, the same at every size. */
const SEED_RECENT_ORDERS = `
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
INSERT INTO orders (id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email, mode, livemode,
                    delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at)
SELECT printf('cs_test_recent%08d', i), 'fulfilled', printf('recent_buyer_%d', i), NULL, 'field-notes', 1200, CASE WHEN i % 4 = 0 THEN 'eur' ELSE 'usd' END,
       NULL, 'payment', 0, printf('dl_recent%08d', i), ?2 - i * ?3, ?2 - i * ?3, ?2 - i * ?3, printf('pi_recent%08d', i), NULL, NULL
FROM n`;

/** The storefront's own buyer id for a secret: "b_" + base64url(SHA-256(secret)). */
const buyerIdOf = (secret) => `b_${createHash('sha256').update(secret).digest('base64url')}`;

/**
 * Sends `count` GETs (or one request built by `request(i)`) one at a time; returns the p50 and
 * mean latency, the statuses, the mean response size and the D1 figures per request.
 */
async function measure(base, meter, count, request) {
  await meter.reset();
  const times = [];
  const statuses = {};
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const { status, size } = await request(i);
    times.push(performance.now() - started);
    statuses[status] = (statuses[status] ?? 0) + 1;
    bytes += size;
  }
  const { fetch: scope } = await meter.read();
  times.sort((a, b) => a - b);
  return {
    count,
    p50Ms: percentile(times, 50),
    meanMs: times.reduce((sum, t) => sum + t, 0) / count,
    statuses,
    responseBytes: bytes / count,
    roundTrips: scope.roundTrips / count,
    rowsRead: scope.rowsRead / count,
    rowsWritten: scope.rowsWritten / count,
  };
}

/**
 * @param {{ scriptPath: string, compatibilityDate: string }} bundle the profile bundle (metering D1)
 * @param {{ catalogSizes: number[], orderSizes: number[], requests: number }} options
 */
export async function growthCurves(bundle, { catalogSizes, orderSizes, requests }) {
  const { base, vars } = await oursOptions({ assets: true });
  // WEBHOOK_PROCESSING=sync: the price event's D1 work is on its request, where this step meters
  // each operation (queued, it would be the events consumer's: the load and metering steps show that).
  const worker = await startMiniflare(
    bundle,
    { ...vars, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, SYNC_TOKEN: BENCH_SYNC_TOKEN, WEBHOOK_PROCESSING: 'sync' },
    {},
    { base: { ...base, modulesRules: undefined } },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const meter = meterOf(worker.url);
  const get = (path, headers = {}) => async () => {
    const response = await fetch(new URL(path, worker.url), { headers });
    return { status: response.status, size: (await response.arrayBuffer()).byteLength };
  };
  const admin = (path) => get(`/api/admin/${path}`, { authorization: `Bearer ${BENCH_SYNC_TOKEN}` });
  try {
    await applyMigrations(worker.mf);
    const db = await worker.mf.getD1Database('DB');
    const kv = await worker.mf.getKVNamespace('CATALOG');
    const catalog = [];
    let products = 0;
    for (const size of catalogSizes) {
      const seedStarted = performance.now();
      await db.prepare(SEED_PRODUCTS).bind(products + 1, size).run();
      await db.prepare(SEED_PRICES).bind(products + 1, size).run();
      const seedMs = performance.now() - seedStarted;
      products = size;
      // The snapshot in KV was built for the smaller catalog: the first request rebuilds it from D1.
      await kv.delete('catalog:v1');
      const middle = Math.ceil(size / 2);
      const ops = {
        'catalog page, KV miss (rebuild from D1)': await measure(worker.url, meter, 1, get('/api/catalog')),
        'catalog page /api/catalog': await measure(worker.url, meter, requests, get('/api/catalog')),
        'catalog page, 304 (If-None-Match)': await (async () => {
          const etag = (await fetch(new URL('/api/catalog', worker.url))).headers.get('etag') ?? '';
          return measure(worker.url, meter, requests, get('/api/catalog', { 'if-none-match': etag }));
        })(),
        'product /api/catalog/products/:id': await measure(worker.url, meter, requests, get(`/api/catalog/products/prod_bench${String(middle).padStart(7, '0')}`)),
        'product page /products/<id>': await measure(worker.url, meter, requests, get(`/products/bench-${middle}`)),
        'price event (price.updated webhook)': await measure(worker.url, meter, requests, async (i) => {
          const n = ((middle + i - 1) % size) + 1;
          const id = String(n).padStart(7, '0');
          const { status, body } = await post(new URL('/webhooks/stripe', worker.url), priceUpdated({ priceId: `price_bench${id}`, productId: `prod_bench${id}`, unitAmount: 2000 + i }), agent);
          return { status, size: body.length };
        }),
      };
      catalog.push({ size, seedMs, ops });
    }

    // The price events' coalesced rebuild (one per 5 s window) runs from the queue: measure one.
    await drainOutbox(worker.mf, 15_000);

    const orders = [];
    const backOffice = [];
    let rows = 0;
    const secret = randomBytes(32).toString('base64url');
    const buyer = buyerIdOf(secret);
    for (const size of orderSizes) {
      const seedStarted = performance.now();
      await db.prepare(SEED_ORDERS).bind(rows + 1, size).run();
      await db.prepare(SEED_LINE_ITEMS).bind(rows + 1, size).run();
      if (rows === 0) {
        // The probed buyer's three orders, among the seeded ones.
        await db
          .prepare(`UPDATE orders SET client_reference_id = ?1, customer_email = ?2 WHERE id IN ('cs_test_seed00000001', 'cs_test_seed00000002', 'cs_test_seed00000003')`)
          .bind(buyer, PROBE_EMAIL)
          .run();
        await db.prepare(SEED_RECENT_ORDERS).bind(RECENT_ORDERS, Date.now(), Math.floor((30 * DAY_MS) / (RECENT_ORDERS + 1))).run();
      }
      const seedMs = performance.now() - seedStarted;
      rows = size;
      const middle = String(Math.ceil(size / 2)).padStart(8, '0');
      const ops = {
        'order lookup /api/orders/:id': await measure(worker.url, meter, requests, get(`/api/orders/cs_test_seed${middle}`)),
        'entitlements /api/entitlements/:id': await measure(worker.url, meter, requests, get(`/api/entitlements/${buyer}`, { 'x-buyer-secret': secret })),
      };
      orders.push({ size, seedMs, ops });
      // The back office's orders page: what it asks on load (a page and the totals), an older
      // page from a cursor in the middle of the table, a status filter, every kind of search, a
      // buyer's orders, the subscriptions view (one order in ten is a subscription's) and a CSV
      // page (the seeded orders all fall on one UTC day, so it is a full page of 1,000).
      const cursor = encodeURIComponent(`${SEED_TIME_MS + Math.ceil(size / 2)}~cs_test_seed${middle}`);
      backOffice.push({
        size,
        seedMs,
        ops: {
          'orders page /api/admin/orders': await measure(worker.url, meter, requests, admin('orders')),
          'older orders (cursor mid-table)': await measure(worker.url, meter, requests, admin(`orders?cursor=${cursor}`)),
          'orders by status (fulfilled)': await measure(worker.url, meter, requests, admin('orders?status=fulfilled')),
          'search by session id': await measure(worker.url, meter, requests, admin(`orders?q=cs_test_seed${middle}`)),
          'search by email': await measure(worker.url, meter, requests, admin(`orders?q=${encodeURIComponent(PROBE_EMAIL)}`)),
          'search by email prefix': await measure(worker.url, meter, requests, admin(`orders?q=${encodeURIComponent(PROBE_EMAIL.slice(0, 8))}`)),
          'search by product name (newest 2,000)': await measure(worker.url, meter, requests, admin('orders?q=pattern')),
          'customer view /api/admin/customers': await measure(worker.url, meter, requests, admin(`customers?email=${encodeURIComponent(PROBE_EMAIL)}`)),
          'subscriptions view /api/admin/subscriptions': await measure(worker.url, meter, requests, admin('subscriptions')),
          'CSV export, a page of 1,000': await measure(worker.url, meter, requests, admin(`orders.csv?from=${SEED_DAY}&to=${SEED_DAY}`)),
          'sales totals /api/admin/totals': await measure(worker.url, meter, requests, admin('totals')),
        },
      });
    }
    return { requests, catalog, orders, backOffice };
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}

/**
 * A small SVG: one panel per table (catalog, orders), p50 ms per operation against size
 * (log scale), with D1 rows read per operation in the legend.
 */
export function growthSvg(growth) {
  const panels = [
    { title: 'Catalog: p50 ms per operation vs products', points: growth.catalog },
    { title: 'Orders: p50 ms per operation vs order rows', points: growth.orders },
    { title: 'Back office: p50 ms per operation vs order rows', points: growth.backOffice ?? [] },
  ];
  const width = 640;
  const panelHeight = 260;
  const margin = { left: 56, right: 16, top: 28, bottom: 36 };
  const colors = ['#1b6ac9', '#d1495b', '#2a9d8f', '#e9a03b', '#7b4fb3', '#4a4a4a', '#8c564b'];
  const esc = (text) => String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  const parts = [];
  let y0 = 0;
  for (const panel of panels) {
    if (panel.points.length === 0) continue;
    const names = Object.keys(panel.points[0].ops).filter((name) => !name.includes('KV miss'));
    const sizes = panel.points.map((p) => p.size);
    const maxMs = Math.max(1, ...panel.points.flatMap((p) => names.map((name) => p.ops[name].p50Ms)));
    const innerW = width - margin.left - margin.right - 220;
    const innerH = panelHeight - margin.top - margin.bottom;
    const lx = (size) => (sizes.length === 1 ? 0 : ((Math.log10(size) - Math.log10(sizes[0])) / (Math.log10(sizes.at(-1)) - Math.log10(sizes[0]))) * innerW);
    const ly = (ms) => innerH - (ms / maxMs) * innerH;
    parts.push(`<g transform="translate(${margin.left},${y0 + margin.top})">`);
    parts.push(`<text x="0" y="-10" font-size="13" font-weight="bold">${esc(panel.title)}</text>`);
    parts.push(`<line x1="0" y1="${innerH}" x2="${innerW}" y2="${innerH}" stroke="#888"/><line x1="0" y1="0" x2="0" y2="${innerH}" stroke="#888"/>`);
    for (const size of sizes) parts.push(`<text x="${lx(size)}" y="${innerH + 16}" font-size="11" text-anchor="middle">${size.toLocaleString('en-US')}</text>`);
    for (const tick of [0, 0.5, 1]) parts.push(`<text x="-6" y="${ly(tick * maxMs) + 4}" font-size="11" text-anchor="end">${(tick * maxMs).toFixed(1)}</text>`);
    parts.push(`<text x="-44" y="${innerH / 2}" font-size="11" transform="rotate(-90 -44 ${innerH / 2})" text-anchor="middle">ms (p50)</text>`);
    names.forEach((name, index) => {
      const color = colors[index % colors.length];
      const path = panel.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${lx(p.size).toFixed(1)},${ly(p.ops[name].p50Ms).toFixed(1)}`).join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
      for (const p of panel.points) parts.push(`<circle cx="${lx(p.size).toFixed(1)}" cy="${ly(p.ops[name].p50Ms).toFixed(1)}" r="3" fill="${color}"/>`);
      const rows = panel.points.map((p) => Math.round(p.ops[name].rowsRead)).join('/');
      parts.push(`<text x="${innerW + 12}" y="${index * 30 + 10}" font-size="11" fill="${color}">${esc(name.split(' ').slice(0, 3).join(' '))}</text>`);
      parts.push(`<text x="${innerW + 12}" y="${index * 30 + 23}" font-size="10" fill="#555">D1 rows read: ${esc(rows)}</text>`);
    });
    parts.push('</g>');
    y0 += panelHeight;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y0}" viewBox="0 0 ${width} ${y0}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="#fff"/>\n${parts.join('\n')}\n</svg>\n`;
}
