// /success in a shop with a Stripe key: what Stripe does not know is a final 404 page at once,
// and a paid session the webhook has not brought yet is recorded and fulfilled from the page itself.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { builtAssets } from '../support/assets';
import { testApp } from '../support/app';
import { onSale, stripeCallsTo, withStripe, startCheckout } from '../support/on-sale';

const pageEnv = () => ({ ...withStripe(), ASSETS: builtAssets() });
const successPage = (app: ReturnType<typeof testApp>, sessionId: string) =>
  app.send(new Request(`https://shop.example/success?session_id=${sessionId}`, { headers: { 'cf-connecting-ip': '198.51.100.24' } }), pageEnv());
const dataStatus = (html: string) => /id="order-status"[^>]*data-status="([^"]*)"/.exec(html)?.[1];

describe('GET /success with a Stripe key', () => {
  it('an id Stripe does not know is a 404 page saying the order was not found, without a refresh; the API says the same, final', async () => {
    const app = testApp();
    const unknown = `cs_test_a1Mistyped${crypto.randomUUID().replaceAll('-', '')}`;
    const response = await successPage(app, unknown);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(dataStatus(html)).toBe('not-found');
    expect(html).toContain('We could not find this order.');
    expect(html).not.toContain('http-equiv="refresh"');
    const api = await app.send(new Request(`https://shop.example/api/orders/${unknown}`), withStripe());
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: 'order not found', awaitingWebhook: false });
    // The page and the API shared one lookup: Stripe was asked once.
    expect(await stripeCallsTo(`/v1/checkout/sessions/${unknown}`)).toBe(1);
  });

  it('a paid session the webhook has not brought yet is fulfilled by the page itself (the same landing as the API), once', async () => {
    const app = testApp();
    const { price } = await onSale(app);
    const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_page' });
    await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' } });

    const response = await successPage(app, sessionId);
    expect(response.status).toBe(200);
    expect(dataStatus(await response.text())).toBe('fulfilled');
    expect(app.calls).toHaveLength(1);
    expect(app.deliveries).toHaveLength(1);
    // Read again: from D1, without asking Stripe or fulfilling twice.
    expect(dataStatus(await (await successPage(app, sessionId)).text())).toBe('fulfilled');
    expect(await stripeCallsTo(`/v1/checkout/sessions/${sessionId}`)).toBe(1);
    expect(app.calls).toHaveLength(1);
  });
});
