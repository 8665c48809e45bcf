#!/usr/bin/env node
// @ts-check
// npm run orders:seed -- [count] — fills the LOCAL D1 database (the one `npm start` serves) with
// `count` test-mode orders (default 100,000) and their line items, to try the back office at a
// real shop's size: the catalog's products in turn, mostly fulfilled, some refunded, pending,
// expired, failed, disputed or held for review, three orders per buyer, spread over the last
// --days days up to now. One INSERT … SELECT over a recursive CTE per table, so 100,000 orders
// take seconds. Ids are cs_test_seed<n>: running it again adds only the orders not there yet.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WRANGLER = path.join(ROOT, 'node_modules', 'wrangler', 'bin', 'wrangler.js');
const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_COUNT = 10_000_000;

const HELP = `Usage: npm run orders:seed -- [count] [options]

Adds test-mode orders cs_test_seed00000001 … (default 100000) to the LOCAL database, for
trying the back office (/admin/) with many orders. Never touches the remote database.

Options:
  --days <n>             spread the orders over the last n days (default 90)
  --persist-to <dir>     wrangler's local state directory (default: .wrangler/state)
  --config <path>        wrangler.toml (default: ./wrangler.toml)
  -h, --help             this text
`;

class UsageError extends Error {}

function options(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        days: { type: 'string', default: '90' },
        'persist-to': { type: 'string' },
        config: { type: 'string', default: path.join(ROOT, 'wrangler.toml') },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`one count at most, got ${positionals.join(' ')}`);
  const raw = positionals[0] ?? '100000';
  const count = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_COUNT) throw new UsageError(`count must be a whole number from 1 to ${MAX_COUNT}, got ${positionals[0]}`);
  const days = /^\d+$/.test(values.days) ? Number(values.days) : NaN;
  if (!Number.isSafeInteger(days) || days < 1 || days > 3650) throw new UsageError(`--days must be a whole number from 1 to 3650, got ${values.days}`);
  return { help: values.help, count, days, persistTo: values['persist-to'], config: values.config };
}

const sqlString = (value) => `'${String(value).replaceAll("'", "''")}'`;

/**
 * The two statements: orders 1..count (order n is the n-th oldest, the newest made `nowMs`)
 * and one line item each. Statuses by n: every 500th disputed, every 250th in review, and of
 * every 20 one each refunded, pending, expired and payment_failed; the rest fulfilled.
 * @param {{ count: number, nowMs: number, days: number, products: { id: string, name: string, digital?: boolean, price: { amount: number, currency: string } }[] }} seed
 */
export function seedOrdersSql({ count, nowMs, days, products }) {
  const span = days * DAY_MS;
  const catalog = products.map((p, k) => `(${k}, ${sqlString(p.id)}, ${sqlString(p.name)}, ${p.digital ? 1 : 0}, ${p.price.amount}, ${sqlString(p.price.currency)})`).join(', ');
  const seeded = `
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count}),
products(k, id, name, digital, amount, currency) AS (VALUES ${catalog}),
seeded AS (
  SELECT i, printf('cs_test_seed%08d', i) AS id, p.id AS product, p.name AS name, p.digital AS digital, p.amount AS amount, p.currency AS currency,
         ${nowMs} - (${count} - i) * ${span} / ${count} AS at,
         CASE WHEN i % 500 = 0 THEN 'disputed' WHEN i % 250 = 0 THEN 'review' WHEN i % 20 = 16 THEN 'refunded' WHEN i % 20 = 17 THEN 'pending'
              WHEN i % 20 = 18 THEN 'expired' WHEN i % 20 = 19 THEN 'payment_failed' ELSE 'fulfilled' END AS status
  FROM n JOIN products p ON p.k = i % ${products.length}
)`;
  const orders = `${seeded}
INSERT OR IGNORE INTO orders (id, status, client_reference_id, payment_link, product_id, amount_total, currency, customer_email, mode, livemode,
                              delivery_token, fulfilled_at, created_at, updated_at, payment_intent, subscription, revoked_at)
SELECT id, status, printf('seed_buyer_%d', i / 3), NULL, product, amount, currency, printf('buyer%d@example.com', i / 3), 'payment', 0,
       CASE WHEN digital = 1 AND status IN ('fulfilled', 'refunded', 'disputed') THEN printf('dl_seed%08d', i) END,
       CASE WHEN status IN ('fulfilled', 'refunded', 'disputed') THEN at + 2000 END,
       at, at + 2000, CASE WHEN status = 'expired' THEN NULL ELSE printf('pi_seed%08d', i) END, NULL,
       CASE WHEN status IN ('refunded', 'disputed') THEN at + ${DAY_MS} END
FROM seeded;`;
  const lineItems = `${seeded}
INSERT OR IGNORE INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency)
SELECT id, 0, NULL, product, name, 1, amount, currency FROM seeded;`;
  return [orders, lineItems];
}

function wrangler(args, where) {
  const local = ['--local', ...(where.persistTo ? ['--persist-to', where.persistTo] : []), '--config', where.config];
  const result = spawnSync(process.execPath, [WRANGLER, ...args, ...local], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1', CI: 'true' },
  });
  if (result.status !== 0) throw new Error(`wrangler ${args.slice(0, 3).join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}

function main(argv) {
  const opts = options(argv);
  if (opts.help) {
    process.stdout.write(HELP);
    return;
  }
  const catalog = JSON.parse(readFileSync(path.join(ROOT, 'catalog', 'catalog.json'), 'utf8'));
  const where = { persistTo: opts.persistTo, config: opts.config };
  // The schema first, as npm start does (applying is a no-op when it is current).
  wrangler(['d1', 'migrations', 'apply', 'DB'], where);
  const dir = mkdtempSync(path.join(tmpdir(), 'seed-orders-'));
  try {
    const started = Date.now();
    const file = path.join(dir, 'seed.sql');
    writeFileSync(file, seedOrdersSql({ count: opts.count, nowMs: started, days: opts.days, products: catalog.products }).join('\n'));
    wrangler(['d1', 'execute', 'DB', '--file', file, '--yes'], where);
    const counted = JSON.parse(wrangler(['d1', 'execute', 'DB', '--json', '--command', "SELECT count(*) AS n FROM orders WHERE id LIKE 'cs_test_seed%'"], where));
    const total = counted[0]?.results?.[0]?.n;
    console.log(`seeded orders cs_test_seed00000001…${String(opts.count).padStart(8, '0')} in ${((Date.now() - started) / 1000).toFixed(1)} s; the local database holds ${total} seeded orders. Open /admin/ (npm start) to see them.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`orders:seed: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) console.error(`\n${HELP}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
