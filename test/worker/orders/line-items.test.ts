// An order records every line of its session, however many pages Stripe's list takes
// (10 per page unless asked): on the webhook path and on the success-page landing.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { SyncResponse } from '../../../contract/api';
import type { FulfilmentRequest } from '../../../worker/seller-hooks';
import { bodyOf, testApp } from '../support/app';
import { stripe, withStripe } from '../support/on-sale';
import { delivery, event } from '../support/stripe';
import { adminApi } from '../support/back-office';

/** The fake's products and prices, mirrored through the worker's own sync: the shop sells them. */
async function syncMirror(app: ReturnType<typeof testApp>) {
  for (const resource of ['products', 'prices'] as const) {
    let next: string | null = null;
    do {
      const page: SyncResponse = await bodyOf(adminApi(app, withStripe()).sync.$post({ json: { resource, ...(next ? { startingAfter: next } : {}) } }));
      next = page.hasMore ? page.next : null;
    } while (next);
  }
}

/** A paid Checkout Session in the fake Stripe with `lines` distinct prices the shop sells, as Stripe has it after payment. */
async function paidSessionWithLines(app: ReturnType<typeof testApp>, lines: number) {
  const prices = [];
  for (let i = 0; i < lines; i++) {
    const product = await stripe.products.create({ name: `Line ${i + 1}`, metadata: { catalog_id: 'field-notes' } });
    prices.push(await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 100 + i }));
  }
  await syncMirror(app);
  const created = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: prices.map((price, i) => ({ price: price.id, quantity: (i % 3) + 1 })),
    success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
    client_reference_id: `buyer_${lines}_lines`,
  });
  const completed = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${created.id}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  expect(completed.status).toBe(200);
  // As a webhook carries it: no line_items.
  const session = await stripe.checkout.sessions.retrieve(created.id);
  expect(session).toMatchObject({ status: 'complete', payment_status: 'paid' });
  const expected = prices.map((price, i) => ({ price: price.id, quantity: (i % 3) + 1, amount_total: price.unit_amount! * ((i % 3) + 1) }));
  return { session, expected };
}

async function recordedLines(orderId: string) {
  const { results } = await env.DB.prepare('SELECT price, quantity, amount_total FROM order_line_items WHERE order_id = ? ORDER BY position').bind(orderId).all();
  const order = await env.DB.prepare('SELECT status, amount_total FROM orders WHERE id = ?').bind(orderId).first<{ status: string; amount_total: number }>();
  return { lines: results, order };
}

describe('a 20-line cart records all 20 lines', () => {
  it('on the webhook path: 20 lines, summing to the order total, all 20 given to the fulfil hook', async () => {
    const app = testApp();
    const { session, expected } = await paidSessionWithLines(app, 20);

    const response = await app.send(await delivery(event('checkout.session.completed', session)), withStripe());

    expect(response.status).toBe(200);
    const { lines, order } = await recordedLines(session.id);
    expect(lines).toEqual(expected);
    expect(order).toEqual({ status: 'fulfilled', amount_total: expected.reduce((sum, line) => sum + line.amount_total, 0) });
    expect((app.calls as FulfilmentRequest[])[0]?.lineItems).toHaveLength(20);
  });

  it('on the success-page landing: 20 lines, summing to the order total, all 20 given to the fulfil hook', async () => {
    const app = testApp();
    const { session, expected } = await paidSessionWithLines(app, 20);

    const response = await app.send(new Request(`https://shop.example/api/orders/${session.id}`), withStripe());

    expect(response.status).toBe(200);
    const { lines, order } = await recordedLines(session.id);
    expect(lines).toEqual(expected);
    expect(order).toEqual({ status: 'fulfilled', amount_total: expected.reduce((sum, line) => sum + line.amount_total, 0) });
    expect((app.calls as FulfilmentRequest[])[0]?.lineItems).toHaveLength(20);
  });
});
