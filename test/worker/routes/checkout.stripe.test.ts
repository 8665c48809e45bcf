// POST /api/checkout and the success-page landing, against the suite's fake Stripe API.
import { env } from 'cloudflare:workers';
import { parseResponse } from 'hono/client';
import { describe, expect, it } from 'vitest';
import { refusalOf, snapshot, testApp } from '../support/app';
import { fulfil } from '../../../worker/seller-hooks';
import { newBuyer } from '../support/buyer';
import { onSale, post, sessionIdOf, stripe, withStripe } from '../support/on-sale';
import { delivery, event } from '../support/stripe';
import { DELIVERY_TOKEN } from '../../../contract/ids';

describe('POST /api/checkout with a Stripe key', () => {
  it('creates a Checkout Session for known prices and answers its url; nothing is recorded yet', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const before = await snapshot();

    const response = await app.client(withStripe()).api.checkout.$post({ json: { items: [{ price: price.id, quantity: 2 }], clientReferenceId: 'buyer_cart_1', email: 'ada@example.com' } });

    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toEqual({ url: expect.stringMatching(new RegExp(`^${env.FAKE_STRIPE_URL}/pay/cs_test_`)) });
    const session = await stripe.checkout.sessions.retrieve(sessionIdOf(answer), { expand: ['line_items'] });
    expect(session).toMatchObject({
      mode: 'payment',
      client_reference_id: 'buyer_cart_1',
      customer_email: 'ada@example.com',
      amount_total: 2400,
      success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://shop.example/cart',
    });
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([[price.id, 2]]);
    expect(await snapshot()).toEqual(before);
  });

  it('sends the buyer back to an allowed Pages origin', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const response = await app.client(withStripe()).api.checkout.$post({ json: { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_cart_2' } }, { headers: { origin: 'https://shop.pages.dev' } });
    const session = await stripe.checkout.sessions.retrieve(sessionIdOf(await response.json()));
    expect(session.success_url).toBe('https://shop.pages.dev/success?session_id={CHECKOUT_SESSION_ID}');
  });

  it('uses subscription mode for a recurring price', async () => {
    const app = testApp();
    const { price } = await onSale(app, { recurring: true });
    const response = await app.client(withStripe()).api.checkout.$post({ json: { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_sub_1' } });
    const session = await stripe.checkout.sessions.retrieve(sessionIdOf(await response.json()));
    expect(session.mode).toBe('subscription');
  });

  it('answers 502 with Stripe’s message when Stripe refuses, recording nothing', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    // Archived in Stripe after the mirror last heard of it.
    await stripe.prices.update(price.id, { active: false });
    const before = await snapshot();
    const response = await app.client(withStripe()).api.checkout.$post({ json: { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_cart_3' } });
    expect(response.status).toBe(502);
    expect(await refusalOf(response)).toMatch(/^Stripe: .*inactive/);
    expect(await snapshot()).toEqual(before);
  });
});

/** The Checkout Sessions the fake Stripe was asked to create for this buyer. */
async function sessionsCreatedFor(clientReferenceId: string): Promise<number> {
  const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as {
    requests: { method: string; path: string; params: Record<string, unknown> }[];
  };
  return requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions' && r.params.client_reference_id === clientReferenceId).length;
}

describe('POST /api/checkout from another site', () => {
  // A page elsewhere may POST these without a CORS preflight (a "simple" request); application/json needs one.
  it.each([
    ['text/plain', 'text/plain'],
    ['text/plain;charset=UTF-8', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['multipart', 'multipart/form-data; boundary=x'],
    ['none', null],
  ])('Content-Type %s → 415 with the reason, no Checkout Session created', async (_label, contentType) => {
    const app = testApp();
    const { price } = await onSale(app);
    const buyer = `buyer_cross_site_${crypto.randomUUID().slice(0, 8)}`;
    const headers: Record<string, string> = { origin: 'https://evil.example' };
    if (contentType) headers['content-type'] = contentType;
    const before = await snapshot();

    const response = await app.send(
      // Bytes, not a string: a string body would get text/plain from Request itself.
      new Request('https://shop.example/api/checkout', {
        method: 'POST',
        headers,
        body: new TextEncoder().encode(JSON.stringify({ items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer })),
      }),
      withStripe(),
    );

    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: `Content-Type must be application/json, not ${contentType ?? 'none'}` });
    expect(await sessionsCreatedFor(buyer)).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('application/json; charset=utf-8 is JSON: the session is created', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const buyer = `buyer_json_charset_${crypto.randomUUID().slice(0, 8)}`;
    const response = await app.send(
      post('/api/checkout', { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer }, { 'content-type': 'application/json; charset=utf-8' }),
      withStripe(),
    );
    expect(response.status).toBe(200);
    expect(await sessionsCreatedFor(buyer)).toBe(1);
  });
});

describe('success-page landing fulfils when the webhook has not arrived', () => {
  it('retrieves the paid session from Stripe, fulfils it once, and records its line items', async () => {
    const app = testApp();
    const { price, product } = await onSale(app);
    const api = app.client(withStripe()).api;
    const sessionId = sessionIdOf(await (await api.checkout.$post({ json: { items: [{ price: price.id, quantity: 3 }], clientReferenceId: 'buyer_landing' } })).json());
    await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' } });

    const first = await api.orders[':sessionId'].$get({ param: { sessionId } });
    const second = await api.orders[':sessionId'].$get({ param: { sessionId } });

    expect(first.status).toBe(200);
    const order = await parseResponse(first);
    expect(order).toMatchObject({ status: 'fulfilled', clientReferenceId: 'buyer_landing', amountTotal: 3600 });
    expect(order.lineItems).toEqual([{ price: price.id, product: product.id, description: expect.any(String), quantity: 3, amountTotal: 3600, currency: 'usd' }]);
    expect(await second.json()).toEqual(order);
    expect(app.calls).toHaveLength(1);
  });

  it('a mixed cart: every product counts — a download code when any is digital, each in the entitlements', async () => {
    const app = testApp({ fulfil });
    const buyer = await newBuyer();
    const mug = await onSale(app, { catalogId: 'enamel-mug', amount: 1800 });
    const notes = await onSale(app, { catalogId: 'field-notes' });
    const api = app.client(withStripe()).api;
    const created = await api.checkout.$post({ json: { items: [{ price: mug.price.id, quantity: 1 }, { price: notes.price.id, quantity: 1 }], clientReferenceId: buyer.id } });
    const sessionId = sessionIdOf(await created.json());
    // The mug ships: the checkout asks its address.
    const shipping = { name: 'Ada Lovelace', line1: '12 Harbour Lane', city: 'Portsmouth', postal_code: '03801', country: 'US' };
    const completed = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shipping }) });
    expect(completed.status).toBe(200);

    const order = await parseResponse(api.orders[':sessionId'].$get({ param: { sessionId } }));
    // Paid, the mug awaits shipment; the pattern pack is delivered at once (its download code).
    expect(order).toMatchObject({ status: 'awaiting_shipment', deliveryToken: expect.stringMatching(DELIVERY_TOKEN) });
    const held = await parseResponse(api.entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: buyer.id } }, { headers: buyer.headers }));
    expect(held.products.map((entry) => entry.product?.id)).toEqual(['enamel-mug', 'field-notes']);
  });

  it('an open (unpaid) session stays unknown: 404', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const api = app.client(withStripe()).api;
    const sessionId = sessionIdOf(await (await api.checkout.$post({ json: { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_open' } })).json());
    const response = await api.orders[':sessionId'].$get({ param: { sessionId } });
    expect(response.status).toBe(404);
  });

  it('a session Stripe does not know: 404, no order', async () => {
    const app = testApp();
    const response = await app.send(new Request('https://shop.example/api/orders/cs_test_unknownToStripe123'), withStripe());
    expect(response.status).toBe(404);
  });
});

describe('STRIPE_REFETCH', () => {
  it('mirrors the object as Stripe has it now, not the event’s stale snapshot', async () => {
    const app = testApp();
    const product = await stripe.products.create({ name: 'Current name' });
    const stale = event('product.updated', { ...product, name: 'Stale name' });
    const response = await app.send(await delivery(stale), { ...withStripe(), STRIPE_REFETCH: 'true' });
    expect(response.status).toBe(200);
    expect(await env.DB.prepare('SELECT name FROM stripe_products WHERE id = ?').bind(product.id).first()).toEqual({ name: 'Current name' });
  });
});
