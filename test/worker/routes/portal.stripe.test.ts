// POST /api/portal: "Manage subscription", against the suite's fake Stripe API. The portal
// opens on the buyer's own customer only, and only for a proven buyer.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { bodyOf, refusalOf, snapshot, testApp } from '../support/app';
import { newBuyer } from '../support/buyer';
import { post, stripe, withStripe } from '../support/on-sale';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

/** Portal sessions the fake Stripe created, with the customer each was for. */
async function portalCreations(): Promise<{ customer: unknown; status: number }[]> {
  const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as {
    requests: { method: string; path: string; status: number; params: Record<string, unknown> }[];
  };
  return requests.filter((r) => r.method === 'POST' && r.path === '/v1/billing_portal/sessions').map((r) => ({ customer: r.params.customer, status: r.status }));
}

/** A buyer who subscribed through Checkout: the completed session and the subscription, as Stripe's webhooks report them. */
async function subscriber(app: ReturnType<typeof testApp>) {
  const buyer = await newBuyer();
  const customer = await stripe.customers.create({ email: 'subscriber@example.com' });
  const subscriptionId = `sub_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}`;
  await app.send(
    await delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: buyer.id, mode: 'subscription', subscription: subscriptionId, customer: customer.id }))),
  );
  const base = fixture<Stripe.Subscription>('subscription');
  // Item ids are primary keys in the mirror: each subscriber's must be their own.
  const items = { ...base.items, data: base.items.data.map((item) => ({ ...item, id: `si_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}` })) };
  const subscription = { ...base, id: subscriptionId, customer: customer.id, status: 'active' as const, items };
  const accepted = await app.send(await delivery(event('customer.subscription.created', subscription, { created: 100 })));
  expect(accepted.status).toBe(200);
  return { buyer, customer };
}

describe('POST /api/portal', () => {
  it('a proven subscriber gets a portal session for their own customer, returning to the shop', async () => {
    const app = testApp();
    const { buyer, customer } = await subscriber(app);
    const { url } = await bodyOf(app.client(withStripe()).api.portal.$post({ json: { clientReferenceId: buyer.id } }, { headers: buyer.headers }));
    expect(url).toMatch(new RegExp(`^${env.FAKE_STRIPE_URL}/portal/bps_`));
    const page = await (await fetch(url)).text();
    expect(page).toContain(customer.id);
    expect((await portalCreations()).at(-1)).toEqual({ customer: customer.id, status: 200 });
  });

  it('the client reference id alone (as the order API reveals it) → 401 naming the missing proof, no portal session', async () => {
    const app = testApp();
    const { buyer } = await subscriber(app);
    const before = (await portalCreations()).length;
    const response = await app.send(post('/api/portal', { clientReferenceId: buyer.id }), withStripe());
    expect(response.status).toBe(401);
    expect(await refusalOf(response)).toMatch(/X-Buyer-Secret/);
    expect((await portalCreations()).length).toBe(before);
  });

  it('another buyer’s secret → 401, no portal session', async () => {
    const app = testApp();
    const { buyer } = await subscriber(app);
    const attacker = await newBuyer();
    const before = (await portalCreations()).length;
    const response = await app.send(post('/api/portal', { clientReferenceId: buyer.id }, attacker.headers), withStripe());
    expect(response.status).toBe(401);
    expect((await portalCreations()).length).toBe(before);
  });

  it('a customer id in the body is ignored: the portal is for the proven buyer’s own customer', async () => {
    const app = testApp();
    const victim = await subscriber(app);
    const attacker = await subscriber(app);
    const response = await app.send(post('/api/portal', { clientReferenceId: attacker.buyer.id, customer: victim.customer.id }, attacker.buyer.headers), withStripe());
    expect(response.status).toBe(200);
    expect((await portalCreations()).at(-1)?.customer).toBe(attacker.customer.id);
  });

  it('a proven buyer without a subscription → 404, no portal session, nothing written', async () => {
    const app = testApp();
    const buyer = await newBuyer();
    const before = await snapshot();
    const calls = (await portalCreations()).length;
    const response = await app.send(post('/api/portal', { clientReferenceId: buyer.id }, buyer.headers), withStripe());
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'this buyer has no subscription to manage' });
    expect((await portalCreations()).length).toBe(calls);
    expect(await snapshot()).toEqual(before);
  });

  it('cross-site form post (text/plain) → 415; oversized body → 413; no portal session', async () => {
    const app = testApp();
    const { buyer } = await subscriber(app);
    const calls = (await portalCreations()).length;
    const crossSite = await app.send(
      new Request('https://shop.example/api/portal', { method: 'POST', headers: { 'content-type': 'text/plain', origin: 'https://evil.example', ...buyer.headers }, body: new TextEncoder().encode(JSON.stringify({ clientReferenceId: buyer.id })) }),
      withStripe(),
    );
    expect(crossSite.status).toBe(415);
    const oversized = await app.send(post('/api/portal', { clientReferenceId: buyer.id, padding: 'x'.repeat(2048) }, buyer.headers), withStripe());
    expect(oversized.status).toBe(413);
    expect((await portalCreations()).length).toBe(calls);
  });

  it('without a Stripe key → 503', async () => {
    const app = testApp();
    const buyer = await newBuyer();
    const response = await app.send(post('/api/portal', { clientReferenceId: buyer.id }, buyer.headers));
    expect(response.status).toBe(503);
  });
});
