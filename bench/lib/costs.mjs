// What 1 million purchases cost on Cloudflare's published prices (bench/prices.mjs), from
// what the bench measured per purchase (bench/lib/meter.mjs).
import { PRICES, PRICES_TAKEN_ON, QUEUE_OPERATIONS_PER_MESSAGE, WORKERS_PAID_MONTHLY_USD } from '../prices.mjs';

export const PURCHASES = 1_000_000;

/**
 * @typedef {{ rowsRead: number, rowsWritten: number }} Rows
 * @typedef {{ purchases: number, webhooksPerPurchase?: number, webhook: Rows, events?: Rows, outbox: Rows, orderLookup: Rows, cpuMsPerPurchase: number,
 *   bytesPerPurchase: number, queueMessages: number }} Metered what meterPurchases measured, per purchase (`events`: the EVENTS consumer's commits, in queue mode)
 */

/**
 * @param {Metered} metered
 * @param {number} [purchases]
 */
export function costOfPurchases(metered, purchases = PURCHASES) {
  const w = metered.webhook;
  const e = metered.events ?? { rowsRead: 0, rowsWritten: 0 };
  const o = metered.outbox;
  const l = metered.orderLookup;
  const webhooks = metered.webhooksPerPurchase ?? 1;
  const messagesPerPurchase = metered.queueMessages / metered.purchases;
  // Per purchase: its webhooks, one queue consumer invocation per message (an upper bound: a batch
  // of up to 100 events or 25 outbox rows, wrangler.toml's max_batch_size, is one invocation), and one order lookup by the success page.
  const lines = [
    { item: 'Workers requests', price: PRICES.workersRequests, perPurchase: webhooks + messagesPerPurchase + 1, how: `${fmt(webhooks, 0)} webhook(s) + queue consumers (≤ 1 per message) + 1 order lookup` },
    { item: 'Workers CPU', price: PRICES.workersCpuMs, perPurchase: metered.cpuMsPerPurchase, how: 'workerd CPU measured here (upper bound: includes local D1 and the proxy)' },
    {
      item: 'D1 rows read',
      price: PRICES.d1RowsRead,
      perPurchase: w.rowsRead + e.rowsRead + o.rowsRead + l.rowsRead,
      how: `webhook ${fmt(w.rowsRead)} + events consumer ${fmt(e.rowsRead)} + outbox ${fmt(o.rowsRead)} + lookup ${fmt(l.rowsRead)} (meta.rows_read)`,
    },
    {
      item: 'D1 rows written',
      price: PRICES.d1RowsWritten,
      perPurchase: w.rowsWritten + e.rowsWritten + o.rowsWritten + l.rowsWritten,
      how: `webhook ${fmt(w.rowsWritten)} + events consumer ${fmt(e.rowsWritten)} + outbox ${fmt(o.rowsWritten)} (meta.rows_written, index entries included)`,
    },
    { item: 'D1 storage', price: PRICES.d1StorageGbMonth, perPurchase: metered.bytesPerPurchase / 1e9, how: `${fmt(metered.bytesPerPurchase / 1024, 1)} KiB per purchase (ledger with payload, order, outbox), per month kept` },
    { item: 'KV', price: PRICES.kvReads, perPurchase: 0, how: 'a purchase touches no KV key (the catalog snapshot is for page views)' },
    { item: 'Queues operations', price: PRICES.queuesOperations, perPurchase: QUEUE_OPERATIONS_PER_MESSAGE * messagesPerPurchase, how: `${fmt(messagesPerPurchase, 2)} messages per purchase (events and outbox) × write, read, delete` },
  ];
  const rows = lines.map((line) => {
    const units = line.perPurchase * purchases;
    const listUsd = (units / line.price.per) * line.price.usd;
    const beyondAllowanceUsd = (Math.max(0, units - line.price.included) / line.price.per) * line.price.usd;
    return { ...line, units, listUsd, beyondAllowanceUsd };
  });
  return {
    purchases,
    pricesTakenOn: PRICES_TAKEN_ON,
    rows,
    totalListUsd: rows.reduce((sum, row) => sum + row.listUsd, 0),
    totalOnPaidPlanUsd: WORKERS_PAID_MONTHLY_USD + rows.reduce((sum, row) => sum + row.beyondAllowanceUsd, 0),
  };
}

function fmt(value, digits = 1) {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}
