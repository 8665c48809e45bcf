import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { DEV_CHECKOUT_STYLE_SOURCE } from '../../../worker/dev/checkout';
import { checkoutSession as devSession, stripeEvent } from '../../../worker/dev/stripe-objects';
import { findProduct } from '../../../catalog';
import { orderRow, snapshot, testApp, testEnv } from '../support/app';
import { inlineStyleSources } from '../support/html';
import { fixture } from '../support/stripe';
import { DELIVERY_TOKEN } from '../../../contract/ids';

const devEnv = () => testEnv({ DEV_CHECKOUT: 'true' });

function checkoutForm(action: string, fields: Record<string, string> = {}) {
  const body = new URLSearchParams({ product: 'field-notes', client_reference_id: 'buyer_dev_1', email: '', action, ...fields });
  return new Request('http://127.0.0.1:8787/dev/checkout', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

const sessionIdOf = (response: Response) => new URL(response.headers.get('location')!).searchParams.get('session_id')!;

describe('/dev/checkout', () => {
  it('does not exist with the production configuration (wrangler.toml vars, no DEV_CHECKOUT)', async () => {
    const { send } = testApp();
    const production = { DB: env.DB, STRIPE_WEBHOOK_SECRET: 'whsec_production', ...env.PRODUCTION_VARS };
    expect(production).not.toHaveProperty('DEV_CHECKOUT');
    const before = await snapshot();

    const page = await send(new Request('https://shop.example/dev/checkout?product=field-notes'), production);
    const pay = await send(checkoutForm('pay'), production);

    expect(page.status).toBe(404);
    expect(pay.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('shows a clearly marked local test checkout', async () => {
    const { send } = testApp();
    const response = await send(new Request('http://127.0.0.1:8787/dev/checkout?product=field-notes&client_reference_id=buyer_dev_1'), devEnv());
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Local test checkout');
    expect(html).toContain('Field Notes Pattern Pack');
    for (const action of ['pay', 'pay_later', 'fail', 'cancel']) expect(html).toContain(`value="${action}"`);
  });

  it('has one inline style, the one its CSP allows by hash (DEV_CHECKOUT_STYLE_SOURCE)', async () => {
    const { send } = testApp();
    const response = await send(new Request('http://127.0.0.1:8787/dev/checkout?product=field-notes'), devEnv());
    expect(response.status).toBe(200);
    expect(await inlineStyleSources(await response.text())).toEqual([DEV_CHECKOUT_STYLE_SOURCE]);
    expect(response.headers.get('content-security-policy')).toContain(`; style-src 'self' ${DEV_CHECKOUT_STYLE_SOURCE}; `);
  });

  it('escapes what it echoes back', async () => {
    const { send } = testApp();
    const response = await send(new Request('http://127.0.0.1:8787/dev/checkout?product=field-notes&client_reference_id=%3Cscript%3E'), devEnv());
    expect(await response.text()).not.toContain('<script>');
  });

  it('rejects an unknown product', async () => {
    const { send } = testApp();
    const response = await send(new Request('http://127.0.0.1:8787/dev/checkout?product=nope'), devEnv());
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'unknown product "nope"' });
  });

  it('Pay: a signed completed event through the real webhook, then Stripe-like redirect to the success page', async () => {
    const { send } = testApp();
    const response = await send(checkoutForm('pay'), devEnv());
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:8787\/success\?session_id=cs_test_[A-Za-z0-9]{58}$/);
    const order = await orderRow(sessionIdOf(response));
    expect(order).toMatchObject({ status: 'fulfilled', product_id: 'field-notes', client_reference_id: 'buyer_dev_1', amount_total: 1200 });
    expect(order!.delivery_token).toMatch(DELIVERY_TOKEN);
  });

  it('Pay later: pending at once, fulfilled once the async event lands', async () => {
    const { send } = testApp();
    // send() waits for the execution context, so the delayed event has landed when it returns.
    const response = await send(checkoutForm('pay_later'), devEnv());
    const sessionId = sessionIdOf(response);
    const events = await env.DB.prepare(`SELECT type FROM stripe_events WHERE instr(payload, ?) > 0 ORDER BY received_at`).bind(sessionId).all();
    expect(events.results.map((row) => row.type)).toEqual(['checkout.session.completed', 'checkout.session.async_payment_succeeded']);
    expect(await orderRow(sessionId)).toMatchObject({ status: 'fulfilled' });
  });

  it('Fail: pending, then payment_failed', async () => {
    const { send } = testApp();
    const sessionId = sessionIdOf(await send(checkoutForm('fail'), devEnv()));
    expect(await orderRow(sessionId)).toMatchObject({ status: 'payment_failed', fulfilled_at: null });
  });

  it('Cancel: back to the product, nothing recorded', async () => {
    const { send } = testApp();
    const before = await snapshot();
    const response = await send(checkoutForm('cancel'), devEnv());
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/cancel?product=field-notes');
    expect(await snapshot()).toEqual(before);
  });

  it('drops an invalid client_reference_id, as Stripe does', async () => {
    const { send } = testApp();
    const sessionId = sessionIdOf(await send(checkoutForm('pay', { client_reference_id: 'has spaces!' }), devEnv()));
    expect(await orderRow(sessionId)).toMatchObject({ client_reference_id: null });
  });
});

describe('the stand-in’s Stripe objects', () => {
  // Every field the stand-in sends must exist on Stripe's own object with the same JSON type (or null).
  function expectStripeShaped(ours: Record<string, unknown>, stripes: Record<string, unknown>) {
    const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);
    for (const [key, value] of Object.entries(ours)) {
      expect(Object.keys(stripes), `unknown field ${key}`).toContain(key);
      if (value !== null && stripes[key] !== null) expect(kind(value), key).toBe(kind(stripes[key]));
    }
  }

  it('sessions are shaped like Stripe’s checkout.session', () => {
    const session = devSession(
      { product: findProduct('field-notes')!, clientReferenceId: 'x', email: null, origin: 'http://127.0.0.1:8787', createdSeconds: 1 },
      { status: 'complete', payment_status: 'paid' },
    );
    expectStripeShaped(session, fixture('checkout.session'));
  });

  it('events are shaped like Stripe’s event', () => {
    expectStripeShaped(stripeEvent('checkout.session.completed', {}, 1), fixture('event'));
  });
});
