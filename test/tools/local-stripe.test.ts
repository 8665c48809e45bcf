// The fake Stripe API, driven by the real `stripe` package exactly as the worker drives Stripe.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseBracketParams, startLocalStripe, type LocalStripe } from '../../tools/local-stripe/index';
import { localStripeClient } from './support/local-stripe';

const WEBHOOK_SECRET = 'whsec_test_fake_stripe_0123456789';

let fake: LocalStripe;
let stripe: Stripe;

function client(key = 'sk_test_fake', options: Partial<Stripe.StripeConfig> = {}): Stripe {
  return localStripeClient(fake.url, key, options);
}

/** A local webhook receiver that keeps every (raw body, signature) pair. */
async function receiver() {
  const received: { body: string; signature: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['stripe-signature'] ?? '') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  fake = await startLocalStripe({ log: false });
  stripe = client();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.setWebhook(null);
});

describe('products and lists', () => {
  it('creates, retrieves, updates and lists newest first with Stripe pagination', async () => {
    const created: Stripe.Product[] = [];
    for (let i = 0; i < 25; i++) created.push(await stripe.products.create({ name: `Product ${i}`, metadata: { n: String(i) }, active: i % 5 !== 0 }));
    expect(created[0]!.id).toMatch(/^prod_[A-Za-z0-9]{14}$/);
    expect(created[0]!.object).toBe('product');
    expect(Math.abs(created[0]!.created - Date.now() / 1000)).toBeLessThan(5);

    const page1 = await stripe.products.list({ limit: 10 });
    expect(page1.object).toBe('list');
    expect(page1.url).toBe('/v1/products');
    expect(page1.has_more).toBe(true);
    expect(page1.data.map((p) => p.name)).toEqual(Array.from({ length: 10 }, (_, i) => `Product ${24 - i}`));

    const page2 = await stripe.products.list({ limit: 10, starting_after: page1.data.at(-1)!.id });
    expect(page2.data[0]!.name).toBe('Product 14');

    const back = await stripe.products.list({ limit: 3, ending_before: page2.data[0]!.id });
    expect(back.data.map((p) => p.name)).toEqual(['Product 17', 'Product 16', 'Product 15']);

    const all = await stripe.products.list({ limit: 7 }).autoPagingToArray({ limit: 1000 });
    expect(all).toHaveLength(25);
    expect(new Set(all.map((p) => p.id)).size).toBe(25);

    const active = await stripe.products.list({ active: true, limit: 100 });
    expect(active.data).toHaveLength(20);
    expect(active.has_more).toBe(false);

    const updated = await stripe.products.update(created[3]!.id, { name: 'Renamed', metadata: { n: '', extra: 'x' } });
    expect(updated.name).toBe('Renamed');
    expect(updated.metadata).toEqual({ extra: 'x' });
    expect((await stripe.products.retrieve(created[3]!.id)).name).toBe('Renamed');

    const events = await stripe.events.list({ type: 'product.updated' });
    expect(events.data).toHaveLength(1);
    const event = events.data[0]! as unknown as { data: { object: Stripe.Product; previous_attributes: Record<string, unknown> } };
    expect(event.data.object.name).toBe('Renamed');
    expect(event.data.previous_attributes).toMatchObject({ name: 'Product 3', metadata: { n: '3', extra: null } });
  });

  it('answers an unknown id with Stripe’s 404 resource_missing error', async () => {
    const error = await stripe.products.retrieve('prod_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing', message: "No such product: 'prod_x'", param: 'id', type: 'StripeInvalidRequestError' });

    const raw = await fetch(`${fake.url}/v1/products/prod_x`, { headers: { authorization: 'Bearer sk_test_x' } });
    expect(raw.status).toBe(404);
    expect(await raw.json()).toEqual({ error: { type: 'invalid_request_error', code: 'resource_missing', message: "No such product: 'prod_x'", param: 'id' } });
  });

  it('refuses requests without a test-mode key (401)', async () => {
    const none = await fetch(`${fake.url}/v1/products`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    const live = await client('sk_live_123456789012').products.list().catch((e: unknown) => e);
    expect(live).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    await expect(client('rk_test_restricted').products.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('answers 429 rate_limit when told to, then recovers', async () => {
    const noRetry = client('sk_test_fake', { maxNetworkRetries: 0 });
    fake.set429(1);
    const error = await noRetry.products.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    expect(error).toMatchObject({ statusCode: 429, code: 'rate_limit' });
    await expect(noRetry.products.list()).resolves.toMatchObject({ object: 'list' });

    const control = await fetch(`${fake.url}/__fake/429`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 2 }) });
    expect(control.status).toBe(200);
    await expect(noRetry.products.list()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await expect(noRetry.products.list()).rejects.toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    await expect(noRetry.products.list()).resolves.toMatchObject({ object: 'list' });
  });

  it('resets over HTTP', async () => {
    await stripe.products.create({ name: 'Gone soon' });
    expect((await fetch(`${fake.url}/__fake/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect((await stripe.products.list()).data).toHaveLength(0);
  });
});

describe('prices, customers, subscriptions, events', () => {
  it('lists prices by product and type, and keeps events newest first with filters', async () => {
    const product = await stripe.products.create({ name: 'Plan' });
    const oneTime = await stripe.prices.create({ product: product.id, unit_amount: 500, currency: 'USD' });
    const monthly = await stripe.prices.create({ product: product.id, unit_amount: 900, currency: 'usd', recurring: { interval: 'month' }, nickname: 'Monthly' });
    expect(oneTime).toMatchObject({ type: 'one_time', recurring: null, currency: 'usd', unit_amount: 500, product: product.id });
    expect(monthly).toMatchObject({ type: 'recurring', recurring: { interval: 'month', interval_count: 1 } });
    expect((await stripe.prices.list({ product: product.id, type: 'recurring' })).data.map((p) => p.id)).toEqual([monthly.id]);

    const deactivated = await stripe.prices.update(oneTime.id, { active: false });
    expect(deactivated.active).toBe(false);
    expect((await stripe.prices.list({ active: true })).data.map((p) => p.id)).toEqual([monthly.id]);

    const events = await stripe.events.list({ limit: 100 });
    expect(events.data.map((e) => e.type)).toEqual(['price.updated', 'price.created', 'price.created', 'product.created']);
    const typed = await stripe.events.list({ types: ['product.created', 'price.updated'] });
    expect(typed.data.map((e) => e.type)).toEqual(['price.updated', 'product.created']);
    const since = await stripe.events.list({ created: { gte: Math.floor(Date.now() / 1000) + 60 } });
    expect(since.data).toHaveLength(0);
    expect(events.data[0]!.id).toMatch(/^evt_1[A-Za-z0-9]{23}$/);
  });

  it('creates, updates, lists and cancels subscriptions; deletes customers', async () => {
    const product = await stripe.products.create({ name: 'Club' });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 900, currency: 'usd', recurring: { interval: 'month' } });
    const customer = await stripe.customers.create({ email: 'a@example.com', name: 'A' });
    expect(customer.id).toMatch(/^cus_/);
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }], metadata: { plan: 'club' } });
    expect(subscription).toMatchObject({ status: 'active', customer: customer.id, metadata: { plan: 'club' }, cancel_at_period_end: false });
    expect(subscription.items.data[0]).toMatchObject({ object: 'subscription_item', price: { id: price.id }, quantity: 1 });
    expect(subscription.items.data[0]!.id).toMatch(/^si_/);

    const updated = await stripe.subscriptions.update(subscription.id, { cancel_at_period_end: true });
    expect(updated.cancel_at_period_end).toBe(true);
    expect(updated.cancel_at).toBe(subscription.items.data[0]!.current_period_end);

    const canceled = await stripe.subscriptions.cancel(subscription.id);
    expect(canceled.status).toBe('canceled');
    expect((await stripe.subscriptions.list()).data).toHaveLength(0);
    expect((await stripe.subscriptions.list({ status: 'all' })).data).toHaveLength(1);
    expect((await stripe.subscriptions.list({ status: 'canceled', customer: customer.id })).data).toHaveLength(1);

    const deleted = await stripe.customers.del(customer.id);
    expect(deleted).toEqual({ id: customer.id, object: 'customer', deleted: true });
    const types = (await stripe.events.list({ limit: 100 })).data.map((e) => e.type).reverse();
    expect(types).toEqual([
      'product.created',
      'price.created',
      'customer.created',
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
      'customer.deleted',
    ]);
  });

  it('rejects a one-time price on a subscription', async () => {
    const product = await stripe.products.create({ name: 'X' });
    const price = await stripe.prices.create({ product: product.id, unit_amount: 100, currency: 'usd' });
    const customer = await stripe.customers.create({});
    await expect(stripe.subscriptions.create({ customer: customer.id, items: [{ price: price.id }] })).rejects.toMatchObject({ statusCode: 400, param: 'items[0][price]' });
  });
});

describe('checkout', () => {
  async function catalog() {
    const book = await stripe.products.create({ name: 'Book' });
    const bookPrice = await stripe.prices.create({ product: book.id, unit_amount: 1200, currency: 'usd' });
    const mug = await stripe.products.create({ name: 'Mug' });
    const mugPrice = await stripe.prices.create({ product: mug.id, unit_amount: 1800, currency: 'usd' });
    const club = await stripe.products.create({ name: 'Club' });
    const clubPrice = await stripe.prices.create({ product: club.id, unit_amount: 900, currency: 'usd', recurring: { interval: 'month' } });
    return { bookPrice, mugPrice, clubPrice };
  }

  it('creates a session with computed totals, line items, and validation errors like Stripe', async () => {
    const { bookPrice, mugPrice, clubPrice } = await catalog();
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [
        { price: bookPrice.id, quantity: 2 },
        { price: mugPrice.id, quantity: 1 },
      ],
      success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://127.0.0.1:9/cancel',
      client_reference_id: 'buyer_1',
      metadata: { product_id: 'field-notes' },
      expand: ['line_items'],
    });
    expect(session.id).toMatch(/^cs_test_[A-Za-z0-9]{58}$/);
    expect(session).toMatchObject({ status: 'open', payment_status: 'unpaid', amount_total: 4200, amount_subtotal: 4200, currency: 'usd', payment_intent: null, subscription: null, client_reference_id: 'buyer_1', url: `${fake.url}/pay/${session.id}` });
    expect(session.line_items?.data).toHaveLength(2);

    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['line_items'] });
    expect(retrieved.line_items?.data.map((i) => i.amount_total)).toEqual([2400, 1800]);
    const items = await stripe.checkout.sessions.listLineItems(session.id, { limit: 1 });
    expect(items.url).toBe(`/v1/checkout/sessions/${session.id}/line_items`);
    expect(items.has_more).toBe(true);
    expect(items.data[0]).toMatchObject({ object: 'item', description: 'Book', quantity: 2, amount_total: 2400, currency: 'usd', price: { id: bookPrice.id, object: 'price' } });

    const unknown = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: 'price_nope', quantity: 1 }] }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ statusCode: 400, raw: { type: 'invalid_request_error', code: 'resource_missing', message: "No such price: 'price_nope'", param: 'line_items[0][price]' } });
    const mixed = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: bookPrice.id, quantity: 1 }, { price: clubPrice.id, quantity: 1 }] }).catch((e: unknown) => e);
    expect(mixed).toMatchObject({ statusCode: 400, param: 'line_items[1][price]' });
    expect((mixed as Error).message).toMatch(/recurring price/);
    await stripe.prices.update(mugPrice.id, { active: false });
    await expect(stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: mugPrice.id, quantity: 1 }] })).rejects.toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
  });

  it('pays through the hosted page and delivers a signed checkout.session.completed', async () => {
    const hook = await receiver();
    try {
      const { bookPrice } = await catalog();
      fake.setWebhook({ url: hook.url, secret: WEBHOOK_SECRET });
      const session = await stripe.checkout.sessions.create({
        mode: 'payment',
        line_items: [{ price: bookPrice.id, quantity: 1 }],
        success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: 'http://127.0.0.1:9/cancel',
        customer_email: 'buyer@example.com',
      });
      const pageHtml = await (await fetch(session.url!)).text();
      expect(pageHtml).toContain('Local Stripe Checkout — test only');
      expect(pageHtml).toContain('value="pay"');

      const cancel = await fetch(session.url!, { method: 'POST', body: new URLSearchParams({ action: 'cancel' }), redirect: 'manual' });
      expect(cancel.status).toBe(303);
      expect(cancel.headers.get('location')).toBe('http://127.0.0.1:9/cancel');

      const pay = await fetch(session.url!, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
      expect(pay.status).toBe(303);
      expect(pay.headers.get('location')).toBe(`http://127.0.0.1:9/success?session_id=${session.id}`);

      // Delivery is awaited before the redirect.
      const completed = hook.received.map((r) => stripe.webhooks.constructEvent(r.body, r.signature, WEBHOOK_SECRET)).filter((e) => e.type === 'checkout.session.completed');
      expect(completed).toHaveLength(1);
      const object = completed[0]!.data.object as Stripe.Checkout.Session;
      expect(object).toMatchObject({ id: session.id, status: 'complete', payment_status: 'paid', amount_total: 1200, customer_details: { email: 'buyer@example.com' } });
      expect(object.payment_intent).toMatch(/^pi_/);
      expect(fake.deliveries.at(-1)).toMatchObject({ type: 'checkout.session.completed', status: 200, ok: true });

      const after = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent'] });
      expect(after.status).toBe('complete');
      expect(after.payment_intent).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 1200 });
    } finally {
      await hook.close();
    }
  });

  it('creates a customer and a subscription when a subscription-mode session is paid', async () => {
    const { clubPrice } = await catalog();
    const session = await stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: clubPrice.id, quantity: 1 }], customer_email: 'member@example.com', subscription_data: { metadata: { tier: 'club' } } });
    const completed = await fake.completeCheckoutSession(session.id);
    expect(completed.subscription).toMatch(/^sub_/);
    const subscription = await stripe.subscriptions.retrieve(completed.subscription, { expand: ['customer'] });
    expect(subscription).toMatchObject({ status: 'active', metadata: { tier: 'club' }, customer: { email: 'member@example.com' } });
    const types = (await stripe.events.list()).data.map((e) => e.type);
    // Newest first: the customer, the subscription, its first invoice paid, then the session.
    expect(types.slice(0, 9)).toEqual([
      'checkout.session.completed',
      'invoice.payment_succeeded',
      'invoice.paid',
      'charge.succeeded',
      'payment_intent.succeeded',
      'invoice.finalized',
      'invoice.created',
      'customer.subscription.created',
      'customer.created',
    ]);
    const invoice = await stripe.invoices.retrieve(completed.invoice, { expand: ['payments'] });
    expect(invoice).toMatchObject({ status: 'paid', amount_paid: 900, parent: { subscription_details: { subscription: completed.subscription } } });
    const intent = await stripe.paymentIntents.retrieve(String(invoice.payments?.data[0]?.payment.payment_intent));
    expect(intent).toMatchObject({ status: 'succeeded', amount: 900 });
    expect(await stripe.charges.retrieve(String(intent.latest_charge))).toMatchObject({ paid: true, amount: 900, payment_intent: intent.id });
  });

  it('turns a Payment Link visit into a session carrying the link, its metadata and the buyer reference', async () => {
    const { bookPrice } = await catalog();
    const link = await stripe.paymentLinks.create({
      line_items: [{ price: bookPrice.id, quantity: 1 }],
      after_completion: { type: 'redirect', redirect: { url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}' } },
      metadata: { catalog_id: 'book' },
    });
    expect(link.id).toMatch(/^plink_/);
    expect(link.url).toBe(`${fake.url}/pay-link/${link.id}`);
    const visit = await fetch(`${link.url}?client_reference_id=buyer_42&prefilled_email=b%40example.com`, { redirect: 'manual' });
    expect(visit.status).toBe(303);
    const sessionId = visit.headers.get('location')!.replace('/pay/', '');
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ mode: 'payment', payment_link: link.id, client_reference_id: 'buyer_42', customer_email: 'b@example.com', metadata: { catalog_id: 'book' }, amount_total: 1200 });
    const pay = await fetch(`${fake.url}/pay/${sessionId}`, { method: 'POST', body: new URLSearchParams({ action: 'pay' }), redirect: 'manual' });
    expect(pay.headers.get('location')).toBe(`http://127.0.0.1:9/success?session_id=${sessionId}`);

    const off = await stripe.paymentLinks.update(link.id, { active: false });
    expect(off.active).toBe(false);
    expect((await fetch(link.url, { redirect: 'manual' })).status).toBe(410);
    expect((await stripe.paymentLinks.list({ active: true })).data).toHaveLength(0);
    const linkEvents = (await stripe.events.list({ type: 'payment_link.*' })).data.map((e) => e.type);
    expect(linkEvents).toEqual(['payment_link.updated', 'payment_link.created']);
  });

  it('a Payment Link with promotion codes and shipping countries makes sessions that ask for both; update changes or turns them off', async () => {
    const { bookPrice } = await catalog();
    const link = await stripe.paymentLinks.create({
      line_items: [{ price: bookPrice.id, quantity: 1 }],
      allow_promotion_codes: true,
      shipping_address_collection: { allowed_countries: ['US', 'CA'] },
    });
    expect(link).toMatchObject({ allow_promotion_codes: true, shipping_address_collection: { allowed_countries: ['US', 'CA'] } });
    const visit = await fetch(link.url, { redirect: 'manual' });
    const session = await stripe.checkout.sessions.retrieve(visit.headers.get('location')!.replace('/pay/', ''));
    expect(session).toMatchObject({ allow_promotion_codes: true, shipping_address_collection: { allowed_countries: ['US', 'CA'] } });

    const updated = await stripe.paymentLinks.update(link.id, { allow_promotion_codes: false, shipping_address_collection: { allowed_countries: ['GB'] } });
    expect(updated).toMatchObject({ allow_promotion_codes: false, shipping_address_collection: { allowed_countries: ['GB'] } });
    const off = await stripe.paymentLinks.update(link.id, { shipping_address_collection: '' });
    expect(off.shipping_address_collection).toBeNull();
    await expect(stripe.paymentLinks.create({ line_items: [{ price: bookPrice.id, quantity: 1 }], shipping_address_collection: { allowed_countries: ['usa' as 'US'] } })).rejects.toMatchObject({
      statusCode: 400,
      param: 'shipping_address_collection[allowed_countries]',
    });
  });
});

describe('more of what stripe-node relies on', () => {
  it('replays a POST with the same Idempotency-Key instead of creating twice', async () => {
    const first = await stripe.customers.create({ email: 'same@example.com' }, { idempotencyKey: 'key-1' });
    const again = await stripe.customers.create({ email: 'same@example.com' }, { idempotencyKey: 'key-1' });
    expect(again.id).toBe(first.id);
    expect(fake.all('customer')).toHaveLength(1);
    await expect(stripe.customers.create({ email: 'other@example.com' }, { idempotencyKey: 'key-1' })).rejects.toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });

  it('expands ids in lists (data.default_price) and says which property cannot be expanded', async () => {
    const product = await stripe.products.create({ name: 'Expanded', default_price_data: { currency: 'eur', unit_amount: 700 } });
    expect(product.default_price).toMatch(/^price_/);
    const list = await stripe.products.list({ expand: ['data.default_price'] });
    expect(list.data[0]!.default_price).toMatchObject({ object: 'price', unit_amount: 700, currency: 'eur' });
    await expect(stripe.products.retrieve(product.id, { expand: ['nope'] })).rejects.toMatchObject({ statusCode: 400, message: 'This property cannot be expanded (nope).' });
  });

  it('records what it was asked, for assertions on the caller', async () => {
    await stripe.products.create({ name: 'Logged', metadata: { catalog_id: 'x' } });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'POST', path: '/v1/products', status: 200, params: { name: 'Logged', metadata: { catalog_id: 'x' } } });
    expect(fake.requests.at(-1)!.stripeVersion).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it('keeps failed webhook deliveries for inspection', async () => {
    const hook = await receiver();
    await hook.close(); // nothing listens there any more
    fake.setWebhook({ url: hook.url, secret: WEBHOOK_SECRET });
    await stripe.products.create({ name: 'Undeliverable' });
    await fake.flushWebhooks();
    expect(fake.deliveries).toHaveLength(1);
    expect(fake.deliveries[0]).toMatchObject({ type: 'product.created', ok: false, status: null });
    expect(fake.deliveries[0]!.error).toBeTruthy();
    const overHttp = (await (await fetch(`${fake.url}/__fake/deliveries`)).json()) as { deliveries: unknown[] };
    expect(overHttp.deliveries).toHaveLength(1);
  });

  it('seeds a catalog directly, with backdated objects for sync and replay tests', async () => {
    const old = Math.floor(Date.now() / 1000) - 40 * 24 * 60 * 60;
    const customer = fake.seedCustomer({ email: 'old@example.com' }, { created: old });
    expect(customer.created).toBe(old);
    const seeded = fake.seedCatalog({ products: [{ id: 'field-notes', name: 'Field Notes', price: { amount: 1200, currency: 'usd' } }] });
    expect(seeded[0]).toMatchObject({ catalogId: 'field-notes', product: { metadata: { catalog_id: 'field-notes' }, default_price: seeded[0]!.price.id }, paymentLink: { active: true } });
    const recent = await stripe.events.list({ created: { gte: old + 1 }, limit: 100 });
    expect(recent.data.some((e) => e.type === 'customer.created')).toBe(false);
    expect((await stripe.events.list({ type: 'customer.created' })).data[0]!.created).toBe(old);
    expect(() => fake.seedPrice({ product: 'prod_missing', unit_amount: 1, currency: 'usd' })).toThrow(/No such product: 'prod_missing'/);
  });

  it('serves the project-wide global setup', async () => {
    const { default: setup } = await import('../fake-stripe/global-setup');
    const provided: Record<string, unknown> = {};
    const teardown = await setup({ provide: ((key: string, value: unknown) => (provided[key] = value)) as never });
    try {
      expect(provided.fakeStripeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${String(provided.fakeStripeUrl)}/v1/products`, { headers: { authorization: 'Bearer sk_test_x' } });
      expect(response.status).toBe(200);
    } finally {
      await teardown();
    }
  });
});

describe('webhook delivery', () => {
  /** A receiver that answers each request with the next status of `statuses` (then 200), keeping what it got. */
  async function scripted(statuses: number[]) {
    const received: { type: string; id: string; signature: string; body: string }[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const event = JSON.parse(body) as { id: string; type: string };
        received.push({ type: event.type, id: event.id, signature: String(req.headers['stripe-signature']), body });
        res.writeHead(statuses.shift() ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
    return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  it('retries a delivery answered non-2xx on the backoff schedule, signed afresh each time, until it succeeds', async () => {
    const hook = await scripted([500, 503]);
    const local = await startLocalStripe({ log: false, webhookRetryDelaysMs: [20, 40, 80], webhook: { url: hook.url, secret: WEBHOOK_SECRET } });
    try {
      const product = local.seedProduct({ name: 'Retried' });
      await expect.poll(() => local.deliveries.length).toBe(3);
      expect(local.deliveries.map((d) => [d.type, d.attempt, d.status, d.ok])).toEqual([
        ['product.created', 1, 500, false],
        ['product.created', 2, 503, false],
        ['product.created', 3, 200, true],
      ]);
      for (const got of hook.received) expect(stripe.webhooks.constructEvent(got.body, got.signature, WEBHOOK_SECRET).data.object).toMatchObject({ id: product.id });
    } finally {
      await local.close();
      await hook.close();
    }
  });

  it('gives up after the last retry', async () => {
    const hook = await scripted([500, 500, 500, 500]);
    const local = await startLocalStripe({ log: false, webhookRetryDelaysMs: [10, 10], webhook: { url: hook.url, secret: WEBHOOK_SECRET } });
    try {
      local.seedProduct({ name: 'Never accepted' });
      await expect.poll(() => local.deliveries.length).toBe(3);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(local.deliveries.map((d) => d.attempt)).toEqual([1, 2, 3]);
      expect(hook.received).toHaveLength(3);
    } finally {
      await local.close();
      await hook.close();
    }
  });

  it('with chaos, delivers every event, some twice, not in the order they happened', async () => {
    const hook = await scripted([]);
    // A fixed sequence instead of Math.random: the outcome is the same on every run.
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const local = await startLocalStripe({ log: false, chaos: true, random, webhook: { url: hook.url, secret: WEBHOOK_SECRET } });
    try {
      const recorded = Array.from({ length: 12 }, (_, i) => local.seedProduct({ name: `Chaos ${i}` }).id);
      await local.flushWebhooks();
      const delivered = hook.received.map((got) => (JSON.parse(got.body) as { data: { object: { id: string } } }).data.object.id);
      expect(new Set(delivered)).toEqual(new Set(recorded));
      expect(delivered.length).toBeGreaterThan(recorded.length);
      expect(delivered.slice(0, recorded.length)).not.toEqual(recorded);
    } finally {
      await local.close();
      await hook.close();
    }
  });
});

describe('the dashboard', () => {
  /** Submits a dashboard form as the browser does (with the page's Origin); answers where it sent the seller back. */
  async function act(action: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await fetch(`${fake.url}/dashboard/${action}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual', headers: { origin: fake.url, ...headers } });
    return { status: response.status, location: decodeURIComponent(response.headers.get('location') ?? '') };
  }
  const typesSince = (count: number) => fake.events().slice(count).map((e) => e.type);

  async function paidCharge(amount = 1200) {
    const product = await stripe.products.create({ name: 'Dashboard book', default_price_data: { currency: 'usd', unit_amount: amount } });
    const session = await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: String(product.default_price), quantity: 1 }], success_url: 'http://127.0.0.1:9/s' });
    const completed = await fake.completeCheckoutSession(session.id);
    const intent = await stripe.paymentIntents.retrieve(completed.payment_intent);
    return { product, chargeId: String(intent.latest_charge), intent };
  }

  it('lists payments, products, subscriptions, sessions and events', async () => {
    const { chargeId, product } = await paidCharge();
    const html = await (await fetch(fake.url)).text();
    expect(html).toContain('Local Stripe dashboard');
    expect(html).toContain(`data-charge="${chargeId}"`);
    expect(html).toContain(`data-product="${product.id}"`);
    expect(html).toContain('checkout.session.completed');
  });

  it('refunds part of a payment, then the rest: charge.refunded each time, refunded once all came back', async () => {
    const { chargeId } = await paidCharge(1200);
    const before = fake.events().length;
    expect(await act('refund', { charge: chargeId, amount: '2.00' })).toEqual({ status: 303, location: `/?done=Refunded $2.00 of ${chargeId}.` });
    expect(await act('refund', { charge: chargeId })).toMatchObject({ status: 303 });
    expect(typesSince(before)).toEqual(['charge.refunded', 'refund.created', 'charge.refunded', 'refund.created']);
    const refunds = fake.events().slice(before).filter((e) => e.type === 'charge.refunded').map((e) => [e.data.object.amount_refunded, e.data.object.refunded]);
    expect(refunds).toEqual([[200, false], [1200, true]]);
    expect((await act('refund', { charge: chargeId })).location).toMatch(/^\/\?error=Charge .* has already been refunded/);
  });

  it('disables a webhook endpoint and enables it again: its status follows, and the page offers the other button', async () => {
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/webhooks/stripe', enabled_events: ['*'] });
    try {
      expect(await act('disable-endpoint', { endpoint: endpoint.id })).toEqual({ status: 303, location: `/?done=Disabled ${endpoint.id}: it receives no events.` });
      expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).status).toBe('disabled');
      const row = (html: string) => new RegExp(`<tr data-endpoint="${endpoint.id}">.*?</tr>`).exec(html)?.[0] ?? '';
      expect(row(await (await fetch(fake.url)).text())).toMatch(/<td data-state>disabled<\/td>.*<button>Enable<\/button>/);
      expect(await act('enable-endpoint', { endpoint: endpoint.id })).toEqual({ status: 303, location: `/?done=Enabled ${endpoint.id}.` });
      expect((await stripe.webhookEndpoints.retrieve(endpoint.id)).status).toBe('enabled');
      expect(row(await (await fetch(fake.url)).text())).toMatch(/<td data-state>enabled<\/td>.*<button>Disable<\/button>/);
      expect((await act('disable-endpoint', { endpoint: 'we_missing' })).location).toMatch(/^\/\?error=No such webhook_endpoint/);
    } finally {
      await stripe.webhookEndpoints.del(endpoint.id);
    }
  });

  it('opens a dispute: charge.dispute.created naming the charge and its payment', async () => {
    const { chargeId, intent } = await paidCharge();
    const before = fake.events().length;
    expect((await act('dispute', { charge: chargeId })).status).toBe(303);
    const [created] = fake.events().slice(before);
    expect(created).toMatchObject({ type: 'charge.dispute.created', data: { object: { object: 'dispute', charge: chargeId, payment_intent: intent.id, status: 'needs_response' } } });
  });

  it.each([
    ['win-dispute', 'won'],
    ['lose-dispute', 'lost'],
  ])('%s closes the charge\'s open dispute: charge.dispute.closed with status %s; a second close is refused', async (action, status) => {
    const { chargeId, intent } = await paidCharge();
    await act('dispute', { charge: chargeId });
    expect(await (await fetch(fake.url)).text()).toContain(`action="/dashboard/${action}"`);
    const before = fake.events().length;
    expect((await act(action, { charge: chargeId })).location).toMatch(new RegExp(`^/\\?done=Dispute du_\\w+ ${status}\\.$`));
    const events = fake.events().slice(before);
    expect(events.map((e) => e.type)).toEqual(['charge.dispute.closed']);
    expect(events[0]).toMatchObject({ data: { object: { object: 'dispute', charge: chargeId, payment_intent: intent.id, status } } });
    expect((await act(action, { charge: chargeId })).location).toMatch(/^\/\?error=Charge .* has no open dispute/);
  });

  it('a charge without a dispute cannot have one closed', async () => {
    const { chargeId } = await paidCharge();
    expect((await act('win-dispute', { charge: chargeId })).location).toMatch(/^\/\?error=Charge .* has no open dispute/);
  });

  it('renames, reprices (a new default price, the old one archived) and archives a product', async () => {
    const { product } = await paidCharge(1200);
    const oldPrice = String(product.default_price);
    let before = fake.events().length;
    await act('rename', { product: product.id, name: 'Renamed book' });
    expect(fake.events().slice(before).map((e) => [e.type, e.data.object.name, e.data.previous_attributes?.name])).toEqual([['product.updated', 'Renamed book', 'Dashboard book']]);

    before = fake.events().length;
    await act('reprice', { product: product.id, amount: '15.00' });
    expect(typesSince(before)).toEqual(['price.created', 'product.updated', 'price.updated']);
    const updated = await stripe.products.retrieve(product.id, { expand: ['default_price'] });
    expect(updated.default_price).toMatchObject({ unit_amount: 1500, currency: 'usd', active: true });
    expect(await stripe.prices.retrieve(oldPrice)).toMatchObject({ active: false });

    before = fake.events().length;
    await act('archive', { product: product.id });
    expect(fake.events().slice(before).map((e) => [e.type, e.data.object.active])).toEqual([['product.updated', false]]);
  });

  it('pauses, resumes and cancels a subscription with the events Stripe sends', async () => {
    const customer = await stripe.customers.create({ email: 'member@example.com' });
    const product = await stripe.products.create({ name: 'Club', default_price_data: { currency: 'usd', unit_amount: 500, recurring: { interval: 'month' } } });
    const subscription = await stripe.subscriptions.create({ customer: customer.id, items: [{ price: String(product.default_price) }] });
    const before = fake.events().length;
    await act('pause', { subscription: subscription.id });
    await act('resume', { subscription: subscription.id });
    await act('cancel', { subscription: subscription.id });
    expect(fake.events().slice(before).map((e) => [e.type, e.data.object.pause_collection, e.data.object.status])).toEqual([
      ['customer.subscription.updated', { behavior: 'void', resumes_at: null }, 'active'],
      ['customer.subscription.updated', null, 'active'],
      ['customer.subscription.deleted', null, 'canceled'],
    ]);
  });

  it('resends an event: the same event id delivered again', async () => {
    const hook = await receiver();
    try {
      fake.setWebhook({ url: hook.url, secret: WEBHOOK_SECRET });
      const product = await stripe.products.create({ name: 'Resent' });
      await fake.flushWebhooks();
      const event = fake.events().find((e) => e.type === 'product.created' && e.data.object.id === product.id)!;
      expect((await act('resend', { event: event.id })).status).toBe(303);
      const ids = hook.received.map((r) => (JSON.parse(r.body) as { id: string }).id);
      expect(ids.filter((id) => id === event.id)).toHaveLength(2);
    } finally {
      await hook.close();
    }
  });

  it("lists the mail the shop sent through the catcher, newest first and escaped, linking to /mail", async () => {
    const send = (subject: string) =>
      fetch(`${fake.url}/emails`, {
        method: 'POST',
        headers: { authorization: 'Bearer re_local', 'content-type': 'application/json' },
        body: JSON.stringify({ from: 'Shop <orders@shop.localhost>', to: 'buyer@example.com', subject, text: 'hello', html: '<p>hello</p>' }),
      });
    expect((await send('Your receipt from <Shop>')).status).toBe(200);
    expect((await send('Your purchases at Shop')).status).toBe(200);
    const html = await (await fetch(fake.url)).text();
    const section = html.slice(html.indexOf('<section id="mail">'), html.indexOf('</section>', html.indexOf('<section id="mail">')));
    expect(section).toContain('<a href="/mail">');
    expect(section).toContain('buyer@example.com');
    expect(section.indexOf('Your purchases at Shop')).toBeLessThan(section.indexOf('Your receipt from &lt;Shop&gt;'));
    expect(section).not.toContain('<Shop>');
  });

  it('refuses an action posted from another site, changing nothing', async () => {
    const { chargeId } = await paidCharge();
    const before = fake.events().length;
    expect((await act('refund', { charge: chargeId }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(fake.events()).toHaveLength(before);
  });
});

describe('parseBracketParams', () => {
  it('reads stripe-node’s form encoding, `[]` appends, and keeps metadata keys as written', () => {
    expect(
      parseBracketParams(
        'mode=payment&line_items[0][price]=price_1&line_items[0][quantity]=2&line_items[1][price]=price_2&expand[0]=line_items&expand[]=customer&metadata[0]=zero&metadata[note]=a+b%26c&success_url=http%3A%2F%2Fx%2Fs%3Fid%3D%7BCHECKOUT_SESSION_ID%7D',
      ),
    ).toEqual({
      mode: 'payment',
      line_items: [{ price: 'price_1', quantity: '2' }, { price: 'price_2' }],
      expand: ['line_items', 'customer'],
      metadata: { 0: 'zero', note: 'a b&c' },
      success_url: 'http://x/s?id={CHECKOUT_SESSION_ID}',
    });
    expect(parseBracketParams('created[gte]=5&types%5B0%5D=a')).toEqual({ created: { gte: '5' }, types: ['a'] });
  });
});
