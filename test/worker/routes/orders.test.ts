import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { findProduct } from '../../../catalog';
import { bodyOf, testApp, testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { checkoutSession, delivery, event } from '../support/stripe';

const get = (path: string, headers: HeadersInit = {}) => new Request(`https://shop.example${path}`, { headers });

describe('GET /api/orders/:sessionId', () => {
  it('answers what the worker recorded for a fulfilled session', async () => {
    const { send, client, tokens } = testApp();
    const session = checkoutSession();
    await send(await delivery(event('checkout.session.completed', session)));

    const response = await send(get(`/api/orders/${session.id}`));

    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const body = await bodyOf(client().api.orders[':sessionId'].$get({ param: { sessionId: session.id } }));
    expect(body).toMatchObject({
      id: session.id,
      status: 'fulfilled',
      clientReferenceId: 'buyer_123',
      amountTotal: 1200,
      currency: 'usd',
      product: { id: 'field-notes', name: 'Field Notes Pattern Pack' },
      deliveryToken: tokens[0],
      livemode: false,
      // No Stripe key here: the line is the catalog product the session sold.
      lineItems: [{ price: null, product: 'field-notes', description: 'Field Notes Pattern Pack', quantity: 1, amountTotal: 1200, currency: 'usd' }],
    });
    expect(new Date(body.fulfilledAt!).getTime()).not.toBeNaN();
    // The buyer's email and the payment link stay server-side.
    expect(JSON.stringify(body)).not.toContain('example@example.com');
    expect(Object.keys(body).sort()).toEqual(
      ['amountDiscount', 'amountTotal', 'clientReferenceId', 'createdAt', 'currency', 'deliveryToken', 'downloads', 'fulfilledAt', 'id', 'licenceKeys', 'lineItems', 'livemode', 'product', 'shipment', 'status', 'subscription', 'subscriptionAccess', 'updatedAt'],
    );
    // A one-time purchase: nothing of it follows a subscription.
    expect(body.subscriptionAccess).toBeNull();
  });

  it('a fulfilled order with a download and a licence key is answered from one D1 round trip', async () => {
    const { send, client } = testApp();
    const { key } = findProduct('field-notes')!.files![0]!;
    await env.FILES!.put(key, new Uint8Array(16));
    const session = checkoutSession();
    await send(await delivery(event('checkout.session.completed', session)));
    const { db, counts } = countingDb(env.DB);
    const body = await bodyOf(client(testEnv({ DB: db })).api.orders[':sessionId'].$get({ param: { sessionId: session.id } }));
    expect(counts.roundTrips).toBe(1);
    expect(body.downloads).toHaveLength(1);
    expect(body.licenceKeys).toEqual([expect.objectContaining({ key: expect.any(String) })]);
    expect(body.lineItems).toHaveLength(1);
  });

  it('shows a pending order as pending, without a token', async () => {
    const { send } = testApp();
    const session = checkoutSession({ payment_status: 'unpaid' });
    await send(await delivery(event('checkout.session.completed', session)));
    const body = await (await send(get(`/api/orders/${session.id}`))).json();
    expect(body).toMatchObject({ status: 'pending', fulfilledAt: null, deliveryToken: null });
  });

  it('404 for an unknown session, no-store; without a Stripe key to ask, it may still arrive by webhook (awaitingWebhook)', async () => {
    const { send } = testApp();
    const responses = await Promise.all(['cs_test_unknown1', 'cs_live_unknown2'].map((id) => send(get(`/api/orders/${id}`))));
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    expect(await responses[0]!.json()).toEqual({ error: 'order not found', awaitingWebhook: true });
    // The other mode's session is never this shop's order: final.
    expect(await responses[1]!.json()).toEqual({ error: 'order not found', awaitingWebhook: false });
  });

  it.each(['pi_123', 'cs_prod_123', 'cs_test_', "cs_test_1' OR 1=1", 'evt_1', 'cs_test_a%2Fb'])('400 for %j, which is not a Checkout Session id', async (id) => {
    const { send } = testApp();
    const response = await send(get(`/api/orders/${encodeURIComponent(id)}`));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'not a Checkout Session id (expected cs_test_… or cs_live_…)' });
  });

  it('allows only configured origins to read it cross-origin', async () => {
    const { send } = testApp();
    const allowed = await send(get('/api/orders/cs_test_unknown1', { origin: 'https://shop.pages.dev' }));
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.pages.dev');
    const other = await send(get('/api/orders/cs_test_unknown1', { origin: 'https://evil.example' }));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('unknown routes', () => {
  it('404 with a JSON reason', async () => {
    const { send } = testApp();
    const response = await send(get('/api/nothing-here'));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route for GET /api/nothing-here' });
  });
});
