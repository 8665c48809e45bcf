// POST /api/checkout and the success-page landing, against the suite's fake Stripe API.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { snapshot, testApp, testEnv } from '../support/app';
import { fulfil } from '../../../worker/seller-hooks';
import { newBuyer } from '../support/buyer';
import { onSale, post, stripe, withStripe } from '../support/on-sale';
import { delivery, event } from '../support/stripe';
import { DELIVERY_TOKEN } from '../../../contract/ids';

describe('POST /api/checkout with a Stripe key', () => {
  it('creates a Checkout Session for known prices and answers its url; nothing is recorded yet', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const before = await snapshot();

    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 2 }], clientReferenceId: 'buyer_cart_1', email: 'ada@example.com' }), withStripe());

    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${env.FAKE_STRIPE_URL}/pay/cs_test_`));
    const session = await stripe.checkout.sessions.retrieve(url.split('/').pop()!, { expand: ['line_items'] });
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
    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_cart_2' }, { origin: 'https://shop.pages.dev' }), withStripe());
    const session = await stripe.checkout.sessions.retrieve(((await response.json()) as { url: string }).url.split('/').pop()!);
    expect(session.success_url).toBe('https://shop.pages.dev/success?session_id={CHECKOUT_SESSION_ID}');
  });

  it('uses subscription mode for a recurring price', async () => {
    const app = testApp();
    const { price } = await onSale(app, { recurring: true });
    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_sub_1' }), withStripe());
    const session = await stripe.checkout.sessions.retrieve(((await response.json()) as { url: string }).url.split('/').pop()!);
    expect(session.mode).toBe('subscription');
  });

  it('answers 502 with Stripe’s message when Stripe refuses, recording nothing', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    // Archived in Stripe after the mirror last heard of it.
    await stripe.prices.update(price.id, { active: false });
    const before = await snapshot();
    const response = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_cart_3' }), withStripe());
    expect(response.status).toBe(502);
    expect(((await response.json()) as { error: string }).error).toMatch(/^Stripe: .*inactive/);
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
    const created = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 3 }], clientReferenceId: 'buyer_landing' }), withStripe());
    const sessionId = ((await created.json()) as { url: string }).url.split('/').pop()!;
    await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' } });

    const first = await app.send(new Request(`https://shop.example/api/orders/${sessionId}`), withStripe());
    const second = await app.send(new Request(`https://shop.example/api/orders/${sessionId}`), withStripe());

    expect(first.status).toBe(200);
    const order = (await first.json()) as Record<string, unknown>;
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
    const created = await app.send(
      post('/api/checkout', { items: [{ price: mug.price.id, quantity: 1 }, { price: notes.price.id, quantity: 1 }], clientReferenceId: buyer.id }),
      withStripe(),
    );
    const sessionId = ((await created.json()) as { url: string }).url.split('/').pop()!;
    // The mug ships: the checkout asks its address.
    const shipping = { name: 'Ada Lovelace', line1: '12 Harbour Lane', city: 'Portsmouth', postal_code: '03801', country: 'US' };
    const completed = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ shipping }) });
    expect(completed.status).toBe(200);

    const order = (await (await app.send(new Request(`https://shop.example/api/orders/${sessionId}`), withStripe())).json()) as Record<string, unknown>;
    // Paid, the mug awaits shipment; the pattern pack is delivered at once (its download code).
    expect(order).toMatchObject({ status: 'awaiting_shipment', deliveryToken: expect.stringMatching(DELIVERY_TOKEN) });
    const held = (await (await app.send(new Request(`https://shop.example/api/entitlements/${buyer.id}`, { headers: buyer.headers }), withStripe())).json()) as {
      products: { orderId: string; product: { id: string } | null }[];
    };
    expect(held.products.map((entry) => entry.product?.id)).toEqual(['enamel-mug', 'field-notes']);
  });

  it('an open (unpaid) session stays unknown: 404', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const created = await app.send(post('/api/checkout', { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_open' }), withStripe());
    const sessionId = ((await created.json()) as { url: string }).url.split('/').pop()!;
    const response = await app.send(new Request(`https://shop.example/api/orders/${sessionId}`), withStripe());
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
