import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { signBuyerToken } from '../../../worker/http/buyer-proof';
import { bodyOf, testApp, testEnv } from '../support/app';
import { newBuyer } from '../support/buyer';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

const get = (app: ReturnType<typeof testApp>, reference: string, headers: Record<string, string> = {}, environment = testEnv()) =>
  app.send(new Request(`https://shop.example/api/entitlements/${reference}`, { headers }), environment);

const entitlementsOf = (app: ReturnType<typeof testApp>, reference: string, headers: Record<string, string>) =>
  bodyOf(app.client().api.entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: reference } }, { headers }));

describe('GET /api/entitlements/:clientReferenceId', () => {
  it('lists fulfilled one-off orders and subscriptions in force; a cancellation removes the subscription', async () => {
    const app = testApp();
    const buyer = await newBuyer();
    await app.send(await delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: buyer.id }))));

    const subscriptionId = `sub_${crypto.randomUUID().slice(0, 8)}`;
    await app.send(
      await delivery(
        event(
          'checkout.session.completed',
          checkoutSession({ client_reference_id: buyer.id, mode: 'subscription', subscription: subscriptionId, metadata: { product_id: 'field-notes-club' }, amount_subtotal: 500, amount_total: 500 }),
        ),
      ),
    );
    const subscription = { ...fixture<Stripe.Subscription>('subscription'), id: subscriptionId, status: 'active' as const };
    await app.send(await delivery(event('product.created', { ...fixture<Stripe.Product>('product') }, { created: 100 })));
    await app.send(await delivery(event('customer.subscription.created', subscription, { created: 100 })));

    const held = await entitlementsOf(app, buyer.id, buyer.headers);
    expect(held.products.map((entry) => entry.product?.id)).toEqual(['field-notes']);
    expect(held.subscriptions).toEqual([
      { subscriptionId, status: 'active', cancelAtPeriodEnd: true, products: [{ id: 'prod_QXg1hqf4jFNsqG', name: 'T-shirt' }] },
    ]);

    await app.send(await delivery(event('customer.subscription.deleted', { ...subscription, status: 'canceled' }, { created: 200 })));
    expect((await entitlementsOf(app, buyer.id, buyer.headers)).subscriptions).toEqual([]);
  });

  it('nothing for a proven buyer without orders, 400 for a malformed reference', async () => {
    const app = testApp();
    const buyer = await newBuyer();
    expect(await entitlementsOf(app, buyer.id, buyer.headers)).toEqual({ clientReferenceId: buyer.id, products: [], subscriptions: [] });
    const response = await app.send(new Request('https://shop.example/api/entitlements/has%20space'));
    expect(response.status).toBe(400);
  });
});

describe('GET /api/entitlements: one session id must not open the buyer’s other orders', () => {
  it('the id alone (as the order API reveals it) → 401 naming the missing proof, no order ids', async () => {
    const app = testApp();
    const buyer = await newBuyer();
    const first = checkoutSession({ client_reference_id: buyer.id });
    const second = checkoutSession({ client_reference_id: buyer.id });
    for (const session of [first, second]) await app.send(await delivery(event('checkout.session.completed', session)));

    // The attacker holds the first session id: the order API gives them the client reference id.
    const order = await bodyOf(app.client().api.orders[':sessionId'].$get({ param: { sessionId: first.id } }));
    expect(order.clientReferenceId).toBe(buyer.id);

    const response = await get(app, order.clientReferenceId!);
    expect(response.status).toBe(401);
    const body = await response.text();
    expect(body).toMatch(/X-Buyer-Secret/);
    expect(body).not.toContain(second.id);
  });

  it('another buyer’s secret, or a malformed one → 401', async () => {
    const app = testApp();
    const victim = await newBuyer();
    const attacker = await newBuyer();
    expect((await get(app, victim.id, attacker.headers)).status).toBe(401);
    expect((await get(app, victim.id, { 'x-buyer-secret': 'short' })).status).toBe(401);
  });

  it('a seller’s own user id: needs a token signed with BUYER_TOKEN_SECRET, unexpired, for that id', async () => {
    const app = testApp();
    const secret = 'buyer-token-secret-for-tests';
    const environment = testEnv({ BUYER_TOKEN_SECRET: secret });
    await app.send(await delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: 'user_42' }))));
    const now = Math.floor(Date.now() / 1000);
    const bearer = async (id: string, expiry: number, key = secret) => ({ authorization: `Bearer ${expiry}.${await signBuyerToken(key, id, expiry)}` });

    expect((await get(app, 'user_42', {}, environment)).status).toBe(401);
    expect((await get(app, 'user_42', {}, testEnv())).status).toBe(401);
    expect((await get(app, 'user_42', await bearer('user_42', now - 1), environment)).status).toBe(401);
    expect((await get(app, 'user_42', await bearer('user_43', now + 600), environment)).status).toBe(401);
    expect((await get(app, 'user_42', await bearer('user_42', now + 600, 'another-secret'), environment)).status).toBe(401);

    const proven = await bodyOf(app.client(environment).api.entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: 'user_42' } }, { headers: await bearer('user_42', now + 600) }));
    expect(proven.products.length).toBeGreaterThan(0);
  });

  it('a well-signed token that expires centuries away → 401 naming BUYER_TOKEN_MAX_LIFETIME_SECONDS, no orders', async () => {
    const app = testApp();
    const secret = 'buyer-token-secret-for-tests';
    const environment = testEnv({ BUYER_TOKEN_SECRET: secret });
    await app.send(await delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: 'user_44' }))));
    const expiry = Math.floor(Date.now() / 1000) + 300 * 365 * 24 * 60 * 60;

    const response = await get(app, 'user_44', { authorization: `Bearer ${expiry}.${await signBuyerToken(secret, 'user_44', expiry)}` }, environment);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/^not proven to be this buyer: .*BUYER_TOKEN_MAX_LIFETIME_SECONDS.*30 days/) });
  });
});
