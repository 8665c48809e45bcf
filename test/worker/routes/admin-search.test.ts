// The back office's search: partial emails, domains and product names, each through an index
// or a fixed window of the newest orders, and an empty result that is an answer, not an error.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { SEARCH_WINDOW } from '../../../worker/store/orders';
import { bodyOf, testApp } from '../support/app';
import { adminApi, seedOrder, uniqueRef } from '../support/back-office';

const search = (q: string, filter: { status?: 'refunded' } = {}) => bodyOf(adminApi(testApp()).orders.$get({ query: { q, ...filter } }));

const alnum = () => crypto.randomUUID().replaceAll('-', '').slice(0, 12);

/** An order that bought `product` (a catalog slug or a Stripe product id). */
async function orderOf(product: string, options: { createdAt?: number; email?: string; status?: string } = {}): Promise<string> {
  const id = await seedOrder({ createdAt: options.createdAt ?? Date.now(), ...(options.email ? { email: options.email } : {}), ...(options.status ? { status: options.status } : {}) });
  await env.DB.prepare('INSERT INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency) VALUES (?, 0, ?, ?, NULL, 1, 1200, ?)')
    .bind(id, `price_${alnum()}`, product, 'usd')
    .run();
  return id;
}

describe('GET /api/admin/orders?q= finds partial emails', () => {
  it('the beginning of an email up to its @ ("ada@") finds every order of that address, in any case', async () => {
    const name = `ada${alnum()}`;
    const first = await seedOrder({ createdAt: Date.now() - 1000, email: `${name}@Example.com` });
    const second = await seedOrder({ createdAt: Date.now(), email: `${name.toUpperCase()}@example.org` });
    await seedOrder({ createdAt: Date.now(), email: `x${name}@example.com` });
    expect((await search(`${name}@`)).orders.map((o) => o.id)).toEqual([second, first]);
  });

  it('a name without @ finds the emails that begin with it', async () => {
    const name = `grace${alnum()}`;
    const id = await seedOrder({ createdAt: Date.now(), email: `${name}.hopper@navy.example` });
    expect((await search(name)).orders.map((o) => o.id)).toEqual([id]);
  });

  it('a domain ("example.com", or "@example.com") finds the orders of every address at it, and says it searched the newest orders only', async () => {
    const domain = `d${alnum()}.example`;
    const ada = await seedOrder({ createdAt: Date.now() - 10, email: `ada@${domain}` });
    const bob = await seedOrder({ createdAt: Date.now(), email: `Bob@${domain.toUpperCase()}` });
    await seedOrder({ createdAt: Date.now(), email: `ada@sub.${domain}x` });
    for (const term of [domain, `@${domain}`]) {
      const page = await search(term);
      expect(page.orders.map((o) => o.id)).toEqual([bob, ada]);
      expect(page.searchedNewest).toBe(SEARCH_WINDOW);
    }
  });

  it('% and _ in a term are letters, not patterns', async () => {
    const domain = `p${alnum()}.example`;
    await seedOrder({ createdAt: Date.now(), email: `ada@${domain}` });
    expect((await search(`@${domain.replace('.', '_')}`)).orders).toEqual([]);
    expect((await search(`@%${domain.slice(3)}`)).orders).toEqual([]);
  });
});

describe('GET /api/admin/orders?q= finds product names', () => {
  it('words of a catalog product\'s name, in any case, find the orders with a line of it, whether recorded by slug or by Stripe product id', async () => {
    const stripeProduct = `prod_${alnum()}`;
    await env.DB.prepare(`INSERT INTO stripe_products (id, active, name, description, default_price, deleted, raw, synced_created, synced_event, updated_at) VALUES (?1, 1, 'Trail Map Print', NULL, NULL, 0, ?2, 1, 'evt_1', 1)`)
      .bind(stripeProduct, JSON.stringify({ id: stripeProduct, metadata: { catalog_id: 'trail-map-print' } }))
      .run();
    const bySlug = await orderOf('trail-map-print', { createdAt: Date.now() + 5_000_000 });
    const byStripeId = await orderOf(stripeProduct, { createdAt: Date.now() + 5_000_001 });
    const mug = await orderOf('enamel-mug', { createdAt: Date.now() + 5_000_002 });
    const page = await search('trail MAP');
    const ids = page.orders.map((o) => o.id);
    expect(ids.slice(0, 2)).toEqual([byStripeId, bySlug]);
    expect(ids).not.toContain(mug);
    expect(page.searchedNewest).toBe(SEARCH_WINDOW);
  });

  it('a product search keeps the status filter', async () => {
    const refunded = await orderOf('enamel-mug', { createdAt: Date.now() + 6_000_000, status: 'refunded' });
    const fulfilled = await orderOf('enamel-mug', { createdAt: Date.now() + 6_000_001 });
    const ids = (await search('enamel mug', { status: 'refunded' })).orders.map((o) => o.id);
    expect(ids).toContain(refunded);
    expect(ids).not.toContain(fulfilled);
  });
});

describe('a search with no result', () => {
  it('answers 200 with no orders (the page says "no orders match"), not an error', async () => {
    const page = await search(`nobody${alnum()}@nowhere.example`);
    expect(page).toMatchObject({ orders: [], next: null });
  });

  it('text shaped like SQL is a term like any other: no orders, and the orders table is still there', async () => {
    const before = await env.DB.prepare('SELECT count(*) AS n FROM orders').first<{ n: number }>();
    expect((await search("'; DROP TABLE orders; --")).orders).toEqual([]);
    const after = await env.DB.prepare('SELECT count(*) AS n FROM orders').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });
});
