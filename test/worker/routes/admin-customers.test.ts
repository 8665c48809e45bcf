// The back office's customer view: every order of one buyer, by email or by Stripe customer.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { InferRequestType } from 'hono/client';
import { bodyOf, refused, testApp } from '../support/app';
import { adminApi, seedOrder } from '../support/back-office';

const alnum = () => crypto.randomUUID().replaceAll('-', '').slice(0, 12);

type CustomerQuery = InferRequestType<ReturnType<typeof adminApi>['customers']['$get']>['query'];

const customers = (query: CustomerQuery) => adminApi(testApp()).customers.$get({ query });
const customer = (query: CustomerQuery) => bodyOf(customers(query));

async function mirrorCustomer(id: string, email: string | null, name: string | null) {
  await env.DB.prepare('INSERT INTO stripe_customers (id, email, name, deleted, raw, synced_created, synced_event, updated_at) VALUES (?1, ?2, ?3, 0, ?4, 1, ?5, 1)')
    .bind(id, email, name, JSON.stringify({ id, object: 'customer', email, name }), `evt_${alnum()}`)
    .run();
}

describe('GET /api/admin/customers', () => {
  it('by email (any case): every order of that buyer, newest first, and only theirs, with paid, refunded and net per currency', async () => {
    const email = `ada${alnum()}@example.com`;
    const now = Date.now();
    const first = await seedOrder({ createdAt: now - 3000, email, amountTotal: 4100 });
    await env.DB.prepare("UPDATE orders SET status = 'partially_refunded', amount_refunded = 500 WHERE id = ?").bind(first).run();
    const second = await seedOrder({ createdAt: now - 2000, email: email.toUpperCase(), amountTotal: 1200, currency: 'eur' });
    const unpaid = await seedOrder({ createdAt: now - 1000, email, status: 'expired', amountTotal: 900 });
    await seedOrder({ createdAt: now, email: `other${email}` });
    const page = await customer({ email: email.toUpperCase() });
    expect(page.email).toBe(email.toUpperCase());
    expect(page.orders.map((o) => o.id)).toEqual([unpaid, second, first]);
    expect(page.totals).toEqual([
      { currency: 'eur', orders: 1, paid: 1200, refunded: 0, net: 1200 },
      { currency: 'usd', orders: 1, paid: 4100, refunded: 500, net: 3600 },
    ]);
  });

  it('pages by keyset: a buyer with more orders than a page gets them all, none twice', async () => {
    const email = `many${alnum()}@example.com`;
    const now = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await seedOrder({ createdAt: now - i * 10, email }));
    const first = await customer({ email, limit: '3' });
    expect(first.next).not.toBeNull();
    const second = await customer({ email, limit: '3', cursor: first.next! });
    expect([...first.orders, ...second.orders].map((o) => o.id)).toEqual(ids);
    expect(second.next).toBeNull();
  });

  it('by Stripe customer: the mirrored customer, and the orders of its email', async () => {
    const email = `grace${alnum()}@example.com`;
    const id = `cus_${alnum()}`;
    await mirrorCustomer(id, email, 'Grace Hopper');
    const order = await seedOrder({ createdAt: Date.now(), email });
    const page = await customer({ customer: id });
    expect(page.customer).toEqual({ id, name: 'Grace Hopper', email, deleted: false });
    expect(page.orders.map((o) => o.id)).toEqual([order]);
  });

  it('a Stripe customer without an email: the customer, and no orders', async () => {
    const id = `cus_${alnum()}`;
    await mirrorCustomer(id, null, null);
    expect(await customer({ customer: id })).toMatchObject({ email: null, orders: [], totals: [], next: null });
  });

  it.each([
    ['a customer not in the mirror', (): CustomerQuery => ({ customer: `cus_${alnum()}` }), 404, /not in the mirror: resync it from Stripe/],
    ['neither email nor customer', (): CustomerQuery => ({}), 400, /give email or customer/],
    ['both', (): CustomerQuery => ({ email: 'a@b.example', customer: `cus_${alnum()}` }), 400, /give email or customer/],
    ['an email that is not one', (): CustomerQuery => ({ email: 'ada' }), 400, /must be an email address/],
    ['a customer id that is not one', (): CustomerQuery => ({ customer: 'prod_123' }), 400, /must be a Stripe customer id/],
  ])('%s → %s naming why', async (_name, query, status, message) => {
    expect((await refused(customers(query()), status)).error).toMatch(message);
  });
});
