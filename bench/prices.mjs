// Cloudflare's published prices for what a purchase uses, for the bench's cost table
// (bench/lib/costs.mjs). Workers Paid plan, Standard usage model, USD.
//
// Taken on 2026-12-01 from Cloudflare's documentation pages, as published in the
// cloudflare/cloudflare-docs repository:
//   Workers  https://developers.cloudflare.com/workers/platform/pricing/
//            (src/content/docs/workers/platform/pricing.mdx)
//   D1       https://developers.cloudflare.com/d1/platform/pricing/
//            (src/content/partials/workers/d1-pricing.mdx)
//   KV       https://developers.cloudflare.com/kv/platform/pricing/
//            (src/content/partials/workers/kv_pricing.mdx)
//   Queues   https://developers.cloudflare.com/queues/platform/pricing/
//            (src/content/partials/workers/queues_pricing.mdx)
// Prices change: check the pages before relying on a figure, and update the date.

export const PRICES_TAKEN_ON = '2026-12-01';

export const PRICE_SOURCES = {
  workers: 'https://developers.cloudflare.com/workers/platform/pricing/',
  d1: 'https://developers.cloudflare.com/d1/platform/pricing/',
  kv: 'https://developers.cloudflare.com/kv/platform/pricing/',
  queues: 'https://developers.cloudflare.com/queues/platform/pricing/',
};

/** The Workers Paid plan's monthly minimum, which includes the allowances below. */
export const WORKERS_PAID_MONTHLY_USD = 5;

/**
 * Per unit beyond the monthly allowance included in Workers Paid. `per` is the unit count
 * the price is quoted for; `included` is the monthly allowance.
 */
export const PRICES = {
  workersRequests: { usd: 0.3, per: 1e6, included: 10e6, unit: 'requests' },
  workersCpuMs: { usd: 0.02, per: 1e6, included: 30e6, unit: 'CPU ms' },
  d1RowsRead: { usd: 0.001, per: 1e6, included: 25e9, unit: 'rows read' },
  d1RowsWritten: { usd: 1.0, per: 1e6, included: 50e6, unit: 'rows written' },
  d1StorageGbMonth: { usd: 0.75, per: 1, included: 5, unit: 'GB-month' },
  kvReads: { usd: 0.5, per: 1e6, included: 10e6, unit: 'reads' },
  kvWrites: { usd: 5.0, per: 1e6, included: 1e6, unit: 'writes' },
  // An operation per 64 KB written, read or deleted: a delivered message is 3 (write, read, delete).
  queuesOperations: { usd: 0.4, per: 1e6, included: 1e6, unit: 'operations' },
};

/** Queue operations for one message under 64 KB delivered without retries. */
export const QUEUE_OPERATIONS_PER_MESSAGE = 3;
