// The reconciliation against the local Stripe: with webhooks off, the mirror and the orders are
// made to drift on purpose (a rename, a reprice, an archive, a subscription canceled, a
// refund); a run finds and repairs each, and a second run finds nothing at one page a resource.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { parseResponse } from 'hono/client';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReconcileResponse } from '../../../contract/api';
import { defaultDependencies } from '../../../worker/app';
import { reconcile, reconcileIfDue } from '../../../worker/admin/reconcile';
import { stripeClient } from '../../../worker/stripe/client';
import { bodyOf, orderRow, refusalOf, testApp } from '../support/app';
import { adminApi, adminEnv, adminPost } from '../support/back-office';
import { newBuyer } from '../support/buyer';
import { onSale, startCheckout, stripe, stripeCallsTo, withStripe } from '../support/on-sale';
import { delivery, event } from '../support/stripe';

const mirrored = (table: string, id: string) => env.DB.prepare(`SELECT * FROM ${table} WHERE id = ?`).bind(id).first<Record<string, unknown>>();

/** Calls POST /api/admin/reconcile until its run finishes; the last answer. */
async function reconcileToTheEnd(app: ReturnType<typeof testApp>): Promise<ReconcileResponse> {
  for (let call = 0; call < 20; call++) {
    const response = await adminApi(app).reconcile.$post({ json: {} });
    expect(response.status).toBe(200);
    const report = await parseResponse(response);
    if (report.run?.finishedAt) return report;
  }
  throw new Error('the reconciliation did not finish in 20 calls');
}

/** A one-time order paid on the local Stripe, its checkout.session.completed delivered. */
async function paidOrder(app: ReturnType<typeof testApp>, price: Stripe.Price) {
  const buyer = await newBuyer();
  const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer.id });
  const completion = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const session = (await completion.json()) as Stripe.Checkout.Session;
  expect((await app.send(await delivery(event('checkout.session.completed', session)), withStripe())).status).toBe(200);
  return session;
}

describe('reconciliation with Stripe', () => {
  beforeAll(async () => {
    // Page counts below are of this file's objects alone (the files of the suite run one at a time).
    await fetch(`${env.FAKE_STRIPE_URL}/__fake/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  });

  it('finds and repairs a rename, a reprice, an archive, a canceled subscription and a refund made while webhooks were off; a second run finds nothing at one page a resource', async () => {
    const app = testApp();
    const { product, price } = await onSale(app, { amount: 1200, catalogId: 'field-notes' });
    const customer = await stripe.customers.create({ email: 'reconcile@example.com' });
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: (await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 500, recurring: { interval: 'month' } })).id }] });
    const session = await paidOrder(app, price);
    expect((await orderRow(session.id))?.status).toBe('fulfilled');
    // The baseline: everything the shop never heard of (no webhooks in this suite) is brought in.
    await reconcileToTheEnd(app);
    expect(await mirrored('stripe_subscriptions', subscription.id)).toMatchObject({ status: 'active' });

    // Webhooks are off: the shop hears none of these.
    await stripe.products.update(product.id, { name: 'Field Notes, second edition' });
    const newPrice = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 1500 });
    await stripe.products.update(product.id, { default_price: newPrice.id });
    await stripe.prices.update(price.id, { active: false });
    await stripe.subscriptions.cancel(subscription.id);
    await stripe.refunds.create({ payment_intent: String(session.payment_intent) });

    const report = await reconcileToTheEnd(app);
    const found = (resource: string, id: string) => report.drift.find((entry) => entry.resource === resource && entry.objectId === id);
    expect(found('products', product.id)).toMatchObject({ kind: 'changed', outcome: 'repaired' });
    expect(found('products', product.id)?.fields).toEqual(expect.arrayContaining(['name', 'default_price']));
    expect(found('prices', newPrice.id)).toMatchObject({ kind: 'missing', outcome: 'repaired' });
    expect(found('prices', price.id)).toMatchObject({ kind: 'changed', fields: ['active'], outcome: 'repaired' });
    expect(found('subscriptions', subscription.id)).toMatchObject({ kind: 'changed', outcome: 'repaired' });
    const refunded = report.drift.find((entry) => entry.kind === 'missed_event' && entry.detail === 'charge.refunded');
    expect(refunded).toMatchObject({ resource: 'events', outcome: 'repaired' });

    expect(await mirrored('stripe_products', product.id)).toMatchObject({ name: 'Field Notes, second edition', default_price: newPrice.id });
    expect(await mirrored('stripe_prices', newPrice.id)).toMatchObject({ unit_amount: 1500, active: 1 });
    expect(await mirrored('stripe_prices', price.id)).toMatchObject({ active: 0 });
    expect(await mirrored('stripe_subscriptions', subscription.id)).toMatchObject({ status: 'canceled', deleted: 1 });
    expect((await orderRow(session.id))?.status).toBe('refunded');

    const listCallsBefore = await Promise.all(['/v1/products', '/v1/prices', '/v1/customers', '/v1/subscriptions', '/v1/payment_links', '/v1/events'].map(stripeCallsTo));
    const second = await bodyOf(adminApi(app).reconcile.$post({ json: {} }));
    expect(second.run?.finishedAt).not.toBeNull();
    expect(second.drift).toEqual([]);
    expect(second.pagesThisCall).toBe(6);
    const listCallsAfter = await Promise.all(['/v1/products', '/v1/prices', '/v1/customers', '/v1/subscriptions', '/v1/payment_links', '/v1/events'].map(stripeCallsTo));
    expect(listCallsAfter.map((after, i) => after - listCallsBefore[i]!)).toEqual([1, 1, 1, 1, 1, 1]);

    // The back office reads the latest run's report.
    const latest = await bodyOf(adminApi(app).reconcile.$get());
    expect(latest.run?.id).toBe(second.run?.id);
  });

  it('a call bounded to fewer pages than the run needs leaves a cursor; the next calls carry the same run on to its end', async () => {
    const environment = adminEnv();
    const context = { ...defaultDependencies(), db: env.DB, env: environment, waitUntil: () => {} };
    const client = (await stripeClient(environment))!;
    const calls: ReconcileResponse[] = [];
    do calls.push(await reconcile(client, 'admin', 'test', context, 2));
    while (!calls.at(-1)!.run?.finishedAt && calls.length < 10);
    // Six steps (five resources and the events), one page each here, two pages a call.
    expect(calls.map((call) => call.pagesThisCall)).toEqual([2, 2, 2]);
    expect(new Set(calls.map((call) => call.run?.id)).size).toBe(1);
    expect(calls.map((call) => call.run?.finishedAt === null)).toEqual([true, true, false]);
  });

  it('the Cron Trigger reconciles only when the last run started RECONCILE_EVERY_HOURS ago', async () => {
    const environment = adminEnv({ RECONCILE_EVERY_HOURS: '24' });
    const client = (await stripeClient(environment))!;
    const at = (now: number) => ({ ...defaultDependencies({ now: () => now }), db: env.DB, env: environment, waitUntil: () => {} });
    const started = Date.now();
    const first = await reconcileIfDue(client, at(started));
    expect(first?.run?.finishedAt).not.toBeNull();
    expect(await reconcileIfDue(client, at(started + 23 * 3_600_000))).toBeNull();
    const daily = await reconcileIfDue(client, at(started + 24 * 3_600_000));
    expect(daily?.run?.id).not.toBe(first?.run?.id);
  });

  it('a body with arguments → 400 saying it takes none, no run started', async () => {
    const app = testApp();
    const before = await env.DB.prepare('SELECT count(*) AS n FROM reconcile_runs').first<number>('n');
    const response = await app.send(adminPost('reconcile', { everything: true }), adminEnv());
    expect(response.status).toBe(400);
    expect(await refusalOf(response)).toMatch(/no arguments/);
    expect(await env.DB.prepare('SELECT count(*) AS n FROM reconcile_runs').first<number>('n')).toBe(before);
  });
});
