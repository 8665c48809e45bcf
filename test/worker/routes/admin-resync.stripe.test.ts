// POST /api/admin/resync ("Resync from Stripe"): an object or an order whose webhooks never
// arrived is refetched and applied through the webhook's decisions and ordering guards, logged.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { parseResponse } from 'hono/client';
import { describe, expect, it } from 'vitest';
import { orderRow, refusalOf, snapshot, testApp } from '../support/app';
import { adminApi, adminEnv, adminPost } from '../support/back-office';
import { newBuyer } from '../support/buyer';
import { onSale, startCheckout, stripe } from '../support/on-sale';

const productName = (id: string) => env.DB.prepare('SELECT name FROM stripe_products WHERE id = ?').bind(id).first<string>('name');
const actions = (subject: string) => env.DB.prepare("SELECT actor, detail FROM admin_actions WHERE action = 'object_resynced' AND subject = ?").bind(subject).all();

/** A one-time order paid on the local Stripe's checkout; its webhook never reached the shop. */
async function paidWithoutWebhook(app: ReturnType<typeof testApp>) {
  const { price } = await onSale(app, { amount: 1200, catalogId: 'field-notes' });
  const buyer = await newBuyer();
  const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer.id });
  const completion = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return (await completion.json()) as Stripe.Checkout.Session;
}

describe('POST /api/admin/resync', () => {
  it('a product renamed in Stripe without a webhook: the mirror takes the name, the response names the column, the action is logged', async () => {
    const app = testApp();
    const { product } = await onSale(app);
    await stripe.products.update(product.id, { name: 'Renamed behind the shop’s back' });
    const response = await adminApi(app).resync.$post({ json: { resource: 'products', id: product.id } });
    expect(response.status).toBe(200);
    const body = await parseResponse(response);
    expect(body.differed[`products/${product.id}`]).toEqual(['name']);
    expect(await productName(product.id)).toBe('Renamed behind the shop’s back');
    expect((await actions(product.id)).results).toHaveLength(1);
  });

  it('an order paid without its webhook is recorded from its session; refunded later without a webhook, a second resync revokes it', async () => {
    const app = testApp();
    const session = await paidWithoutWebhook(app);
    expect(await orderRow(session.id)).toBeNull();
    expect((await adminApi(app).resync.$post({ json: { resource: 'orders', id: session.id } })).status).toBe(200);
    expect((await orderRow(session.id))?.status).toBe('fulfilled');

    await stripe.refunds.create({ payment_intent: String(session.payment_intent) });
    const response = await adminApi(app).resync.$post({ json: { resource: 'orders', id: session.id } });
    const body = await parseResponse(response);
    expect(body.applied).toContain(`payment_intents/${String(session.payment_intent)}`);
    expect((await orderRow(session.id))?.status).toBe('refunded');
    expect((await actions(session.id)).results).toHaveLength(2);
  });

  it('an order id that is not a Checkout Session id → 400 saying what an order id is, nothing written', async () => {
    const app = testApp();
    const before = await snapshot();
    const response = await adminApi(app).resync.$post({ json: { resource: 'orders', id: 'prod_not_a_session' } });
    expect(response.status).toBe(400);
    expect(await refusalOf(response)).toMatch(/Checkout Session id/);
    expect(await snapshot()).toEqual(before);
  });

  it('an unknown resource → 400 listing the resources', async () => {
    const app = testApp();
    const response = await app.send(adminPost('resync', { resource: 'invoices', id: 'in_1' }), adminEnv());
    expect(response.status).toBe(400);
    expect(await refusalOf(response)).toMatch(/products, prices, customers, subscriptions, payment_links, orders/);
  });
});
