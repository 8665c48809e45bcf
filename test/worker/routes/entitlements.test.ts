import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { testApp } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

const entitlementsOf = async (app: ReturnType<typeof testApp>, reference: string) =>
  (await app.send(new Request(`https://shop.example/api/entitlements/${reference}`))).json() as Promise<{
    products: { product: { id: string } | null }[];
    subscriptions: { subscriptionId: string; status: string; products: { id: string; name: string | null }[] }[];
  }>;

describe('GET /api/entitlements/:clientReferenceId', () => {
  it('lists fulfilled one-off orders and subscriptions in force; a cancellation removes the subscription', async () => {
    const app = testApp();
    const buyer = `buyer_${crypto.randomUUID().slice(0, 8)}`;
    await app.send(await delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: buyer }))));

    const subscriptionId = `sub_${crypto.randomUUID().slice(0, 8)}`;
    await app.send(
      await delivery(event('checkout.session.completed', checkoutSession({ client_reference_id: buyer, mode: 'subscription', subscription: subscriptionId, metadata: {} }))),
    );
    const subscription = { ...fixture<Stripe.Subscription>('subscription'), id: subscriptionId, status: 'active' as const };
    await app.send(await delivery(event('product.created', { ...fixture<Stripe.Product>('product') }, { created: 100 })));
    await app.send(await delivery(event('customer.subscription.created', subscription, { created: 100 })));

    const held = await entitlementsOf(app, buyer);
    expect(held.products.map((entry) => entry.product?.id)).toEqual(['field-notes']);
    expect(held.subscriptions).toEqual([
      { subscriptionId, status: 'active', cancelAtPeriodEnd: true, products: [{ id: 'prod_QXg1hqf4jFNsqG', name: 'T-shirt' }] },
    ]);

    await app.send(await delivery(event('customer.subscription.deleted', { ...subscription, status: 'canceled' }, { created: 200 })));
    expect((await entitlementsOf(app, buyer)).subscriptions).toEqual([]);
  });

  it('nothing for a stranger, 400 for a malformed reference', async () => {
    const app = testApp();
    expect(await entitlementsOf(app, 'nobody_here')).toEqual({ clientReferenceId: 'nobody_here', products: [], subscriptions: [] });
    const response = await app.send(new Request('https://shop.example/api/entitlements/has%20space'));
    expect(response.status).toBe(400);
  });
});
