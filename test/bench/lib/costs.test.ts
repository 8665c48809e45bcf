import { describe, expect, it } from 'vitest';
import { costOfPurchases } from '../../../bench/lib/costs.mjs';
import { PRICES, PRICES_TAKEN_ON, PRICE_SOURCES } from '../../../bench/prices.mjs';

const rows = (rowsRead: number, rowsWritten: number) => ({ rowsRead, rowsWritten });

/** One purchase as the bench meters it: webhook, outbox delivery, order lookup. */
const metered = {
  purchases: 100,
  webhook: rows(12, 13),
  outbox: rows(7, 3),
  orderLookup: rows(3, 0),
  cpuMsPerPurchase: 10,
  bytesPerPurchase: 6_000,
  queueMessages: 100,
};

const line = (item: string, purchases?: number) => {
  const found = costOfPurchases(metered, purchases).rows.find((row) => row.item === item);
  if (!found) throw new Error(`no cost line ${item}`);
  return found;
};

describe('the cost of a million purchases', () => {
  it('adds the rows written by the webhook, the outbox delivery and the lookup, at $1 per million', () => {
    const written = line('D1 rows written');
    expect(written.perPurchase).toBe(16);
    expect(written.units).toBe(16_000_000);
    expect(written.listUsd).toBeCloseTo(16, 6);
  });

  it('charges nothing beyond the allowance while usage stays within what Workers Paid includes (50 M rows written)', () => {
    expect(line('D1 rows written').beyondAllowanceUsd).toBe(0);
    // 5 M purchases write 80 M rows: 30 M beyond the 50 M included.
    expect(line('D1 rows written', 5_000_000).beyondAllowanceUsd).toBeCloseTo(30, 6);
  });

  it('counts three queue operations (write, read, delete) per delivered message', () => {
    const queue = line('Queues operations');
    expect(queue.units).toBe(3_000_000);
    expect(queue.listUsd).toBeCloseTo(1.2, 6);
    expect(queue.beyondAllowanceUsd).toBeCloseTo(0.8, 6);
  });

  it('prices storage per GB-month of the bytes the purchases added', () => {
    const storage = line('D1 storage');
    expect(storage.units).toBeCloseTo(6, 6); // 1 M × 6,000 B = 6 GB
    expect(storage.listUsd).toBeCloseTo(4.5, 6);
    expect(storage.beyondAllowanceUsd).toBeCloseTo(0.75, 6); // 1 GB beyond the 5 included
  });

  it('totals the lines, and adds the $5 minimum on Workers Paid', () => {
    const costs = costOfPurchases(metered);
    expect(costs.totalListUsd).toBeCloseTo(costs.rows.reduce((sum, row) => sum + row.listUsd, 0), 9);
    expect(costs.totalOnPaidPlanUsd).toBeCloseTo(5 + costs.rows.reduce((sum, row) => sum + row.beyondAllowanceUsd, 0), 9);
  });
});

describe('the price constants', () => {
  it('say when they were taken and cite a Cloudflare page for Workers, D1, KV and Queues', () => {
    expect(PRICES_TAKEN_ON).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(Object.keys(PRICE_SOURCES).sort()).toEqual(['d1', 'kv', 'queues', 'workers']);
    for (const url of Object.values(PRICE_SOURCES)) expect(url).toMatch(/^https:\/\/developers\.cloudflare\.com\/[a-z0-9]+\/platform\/pricing\/$/);
    for (const price of Object.values(PRICES)) expect(price.usd).toBeGreaterThan(0);
  });
});

describe('the cost of a million purchases with queued webhooks', () => {
  const queued = { ...metered, webhooksPerPurchase: 2, webhook: rows(0, 0), events: rows(20, 30), queueMessages: 300 };
  const queuedLine = (item: string) => costOfPurchases(queued).rows.find((row) => row.item === item)!;

  it('adds the events consumer’s rows to the webhook’s, the outbox’s and the lookup’s', () => {
    expect(queuedLine('D1 rows written').perPurchase).toBe(33);
    expect(queuedLine('D1 rows read').perPurchase).toBe(30);
  });

  it('counts each webhook, each queue message (events and outbox) and the lookup as requests', () => {
    expect(queuedLine('Workers requests').perPurchase).toBe(2 + 3 + 1);
    expect(queuedLine('Queues operations').perPurchase).toBe(9);
  });
});
