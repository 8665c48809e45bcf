// A shop serves one of Stripe's modes. The README lets a seller keep the CLI's test
// secret beside the dashboard's live one, so a validly signed event of the other mode
// must be recorded and ignored, never fulfil, revoke or mirror anything.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { ledgerRow, orderRow, testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

const live = testEnv({ STRIPE_MODE: 'live' });

describe('events of the other Stripe mode', () => {
  it('a test-mode completed session in a live shop → 200, ledger "ignored" with the reason, no order, no hook', async () => {
    const app = testApp();
    const completed = event('checkout.session.completed', checkoutSession(), { livemode: false });
    const response = await app.send(await delivery(completed), live);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'ignored' });
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'ignored', note: 'test-mode event in a live-mode shop: not acted on' });
    expect(await orderRow((completed.data.object as { id: string }).id)).toBeNull();
    expect(app.calls).toHaveLength(0);
  });

  it('a live-mode event in a test shop (no key, no STRIPE_MODE) is ignored the same way', async () => {
    const app = testApp();
    const session = checkoutSession({ id: `cs_live_a1${crypto.randomUUID().replaceAll('-', '')}`, livemode: true });
    const completed = event('checkout.session.completed', session, { livemode: true });
    expect((await app.send(await delivery(completed))).status).toBe(200);
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'ignored', note: 'live-mode event in a test-mode shop: not acted on' });
    expect(await orderRow(session.id)).toBeNull();
  });

  it('never touches the mirror: a test-mode product.created in a live shop writes no product', async () => {
    const app = testApp();
    const product = { ...fixture<Stripe.Product>('product'), id: `prod_mode${crypto.randomUUID().slice(0, 8)}` };
    await app.send(await delivery(event('product.created', product, { livemode: false })), live);
    expect(await env.DB.prepare('SELECT id FROM stripe_products WHERE id = ?').bind(product.id).first()).toBeNull();
  });

  it('never revokes: a test-mode refund in a live shop leaves the live order fulfilled', async () => {
    const app = testApp();
    const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    const session = checkoutSession({ id: `cs_live_a1${crypto.randomUUID().replaceAll('-', '')}`, livemode: true, payment_intent: paymentIntent });
    await app.send(await delivery(event('checkout.session.completed', session, { livemode: true })), live);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
    const charge = { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, refunded: true };
    await app.send(await delivery(event('charge.refunded', charge, { livemode: false })), live);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', revoked_at: null });
    expect(app.revocations).toHaveLength(0);
  });

  it('a live secret key makes the shop live whatever STRIPE_MODE says', async () => {
    const app = testApp();
    const completed = event('checkout.session.completed', checkoutSession(), { livemode: false });
    await app.send(await delivery(completed), testEnv({ STRIPE_MODE: 'test', STRIPE_SECRET_KEY: 'sk_live_not_used_here' }));
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'ignored' });
  });
});

describe('GET /api/orders/:id across modes', () => {
  it('refuses a cs_live_ id in a test shop and a cs_test_ id in a live shop with 404, before any query', async () => {
    const app = testApp();
    const testSession = checkoutSession();
    await app.send(await delivery(event('checkout.session.completed', testSession)));
    // The same order exists, yet a live shop does not answer for it.
    expect((await app.send(new Request(`https://shop.example/api/orders/${testSession.id}`), live)).status).toBe(404);
    expect((await app.send(new Request(`https://shop.example/api/orders/${testSession.id}`))).status).toBe(200);

    const noDatabase = testEnv({ DB: undefined as unknown as D1Database });
    const response = await app.send(new Request('https://shop.example/api/orders/cs_live_a1NotInThisShop'), noDatabase);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'order not found', awaitingWebhook: false });
  });
});
