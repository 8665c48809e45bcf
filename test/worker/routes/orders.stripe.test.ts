// GET /api/orders/:id with a Stripe key: an unknown session is looked up in Stripe.
// Anyone can ask for any well-formed id, so the lookups a client can cause are bounded.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { LOOKUPS_PER_CLIENT_PER_MINUTE } from '../../../worker/orders/landing';
import { testApp } from '../support/app';
import { onSale, stripeCallsTo, withStripe, startCheckout } from '../support/on-sale';

const order = (app: ReturnType<typeof testApp>, id: string, ip = '198.51.100.1') =>
  app.send(new Request(`https://shop.example/api/orders/${id}`, { headers: { 'cf-connecting-ip': ip } }), withStripe());

async function paidSessionUnknownToTheShop(app: ReturnType<typeof testApp>) {
  const { price } = await onSale(app);
  const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_lookup' });
  await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  return sessionId;
}

describe('GET /api/orders/:id: Stripe lookups are coalesced, cached and bounded', () => {
  it('20 concurrent GETs of a paid session the shop has not seen → one Stripe call, one fulfilment', async () => {
    const app = testApp();
    const sessionId = await paidSessionUnknownToTheShop(app);
    const responses = await Promise.all(Array.from({ length: 20 }, () => order(app, sessionId)));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(await stripeCallsTo(`/v1/checkout/sessions/${sessionId}`)).toBe(1);
    expect(app.calls).toHaveLength(1);
    expect(app.deliveries).toHaveLength(1);
  });

  it('an id Stripe does not know is asked once, then answered 404 from memory for a while', async () => {
    const app = testApp();
    const unknown = `cs_test_a1Unknown${crypto.randomUUID().replaceAll('-', '')}`;
    for (let i = 0; i < 5; i++) expect((await order(app, unknown)).status).toBe(404);
    expect(await stripeCallsTo(`/v1/checkout/sessions/${unknown}`)).toBe(1);
  });

  it(`one client may cause at most ${LOOKUPS_PER_CLIENT_PER_MINUTE} Stripe lookups a minute; the rest get 429 without a call`, async () => {
    const app = testApp();
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const ids = Array.from({ length: LOOKUPS_PER_CLIENT_PER_MINUTE + 5 }, (_, i) => `cs_test_a1Burst${i}x${crypto.randomUUID().replaceAll('-', '')}`);
    const statuses: number[] = [];
    for (const id of ids) statuses.push((await order(app, id, ip)).status);
    expect(statuses.filter((status) => status === 404)).toHaveLength(LOOKUPS_PER_CLIENT_PER_MINUTE);
    expect(statuses.slice(LOOKUPS_PER_CLIENT_PER_MINUTE)).toEqual(Array(5).fill(429));
    let calls = 0;
    for (const id of ids) calls += await stripeCallsTo(`/v1/checkout/sessions/${id}`);
    expect(calls).toBe(LOOKUPS_PER_CLIENT_PER_MINUTE);
    // Another client is not held back by the first.
    expect((await order(app, `cs_test_a1Other${crypto.randomUUID().replaceAll('-', '')}`, '192.0.2.7')).status).toBe(404);
  });
});
