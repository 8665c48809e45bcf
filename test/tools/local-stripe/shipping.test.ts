// The local Stripe's shipping, driven by the `stripe` package as the tools and the worker drive
// Stripe: Shipping Rates, `shipping_options` on Checkout Sessions (ids or `shipping_rate_data`)
// and on Payment Links, a hosted page that shows the choice and adds it to the total, and the
// completed session's `shipping_cost` and `collected_information.shipping_details`.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { useLocalStripe } from '../support/local-stripe';

const local = useLocalStripe();

const STANDARD = {
  display_name: 'Standard',
  type: 'fixed_amount',
  fixed_amount: { amount: 500, currency: 'usd' },
  delivery_estimate: { minimum: { unit: 'business_day', value: 3 }, maximum: { unit: 'business_day', value: 7 } },
  metadata: { catalog_shipping_rate: 'Standard|500|usd|3|7' },
} satisfies Stripe.ShippingRateCreateParams;
const EXPRESS = { display_name: 'Express', type: 'fixed_amount', fixed_amount: { amount: 1500, currency: 'usd' } } satisfies Stripe.ShippingRateCreateParams;
const ADDRESS = { name: 'Ada Lovelace', line1: '12 Harbour Lane', city: 'Portsmouth', state: 'NH', postal_code: '03801', country: 'US' };

async function mugPrice(currency = 'usd') {
  const mug = await local.stripe.products.create({ name: 'Camp Enamel Mug' });
  return local.stripe.prices.create({ product: mug.id, unit_amount: 1800, currency });
}

const payOn = (sessionId: string, fields: Record<string, string>) => fetch(`${local.fake.url}/pay/${sessionId}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
const shippingFields = Object.fromEntries(Object.entries(ADDRESS).map(([field, value]) => [`shipping_${field}`, value]));

describe('Shipping Rates', () => {
  it('creates a fixed-amount rate shaped as Stripe’s (shr_…, delivery estimate, metadata), retrieves and lists it, archives it', async () => {
    const rate = await local.stripe.shippingRates.create(STANDARD);
    expect(rate.id).toMatch(/^shr_1/);
    expect(rate).toMatchObject({ object: 'shipping_rate', active: true, display_name: 'Standard', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' }, tax_behavior: 'unspecified', metadata: STANDARD.metadata });
    expect(rate.delivery_estimate).toEqual({ minimum: { unit: 'business_day', value: 3 }, maximum: { unit: 'business_day', value: 7 } });
    expect(await local.stripe.shippingRates.retrieve(rate.id)).toEqual(rate);
    const express = await local.stripe.shippingRates.create(EXPRESS);
    expect((await local.stripe.shippingRates.list({ active: true })).data.map((r) => r.id)).toEqual([express.id, rate.id]);
    await local.stripe.shippingRates.update(rate.id, { active: false });
    expect((await local.stripe.shippingRates.list({ active: true })).data.map((r) => r.id)).toEqual([express.id]);
  });

  it('refuses a rate without an amount, or with a negative one, with Stripe’s 400 naming the parameter, and makes none', async () => {
    await expect(local.stripe.shippingRates.create({ display_name: 'Free', type: 'fixed_amount' } as Stripe.ShippingRateCreateParams)).rejects.toMatchObject({ statusCode: 400, param: 'fixed_amount' });
    await expect(local.stripe.shippingRates.create({ ...EXPRESS, fixed_amount: { amount: -1, currency: 'usd' } })).rejects.toMatchObject({ statusCode: 400, param: 'fixed_amount[amount]' });
    expect((await local.stripe.shippingRates.list()).data).toEqual([]);
  });
});

describe('shipping_options on a Checkout Session', () => {
  it('shipping_rate_data makes a rate per option; the first is preselected: shipping_cost, total_details.amount_shipping and amount_total include it', async () => {
    const price = await mugPrice();
    const session = await local.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
      shipping_address_collection: { allowed_countries: ['US', 'CA'] },
      shipping_options: [{ shipping_rate_data: STANDARD }, { shipping_rate_data: EXPRESS }],
    });
    expect(session.shipping_options).toEqual([
      { shipping_amount: 500, shipping_rate: expect.stringMatching(/^shr_1/) },
      { shipping_amount: 1500, shipping_rate: expect.stringMatching(/^shr_1/) },
    ]);
    expect(session).toMatchObject({ amount_subtotal: 1800, amount_total: 2300, total_details: { amount_shipping: 500 } });
    expect(session.shipping_cost).toEqual({ amount_subtotal: 500, amount_tax: 0, amount_total: 500, shipping_rate: session.shipping_options[0]!.shipping_rate });
    expect((await local.stripe.shippingRates.retrieve(session.shipping_options[1]!.shipping_rate as string)).display_name).toBe('Express');
  });

  it('a rate in another currency, an archived rate, or shipping_options in subscription mode → 400, and no session', async () => {
    const price = await mugPrice();
    const euro = await local.stripe.shippingRates.create({ ...EXPRESS, fixed_amount: { amount: 900, currency: 'eur' } });
    const archived = await local.stripe.shippingRates.create(STANDARD);
    await local.stripe.shippingRates.update(archived.id, { active: false });
    const base = { mode: 'payment' as const, line_items: [{ price: price.id, quantity: 1 }], success_url: 'http://127.0.0.1:9/s' };
    await expect(local.stripe.checkout.sessions.create({ ...base, shipping_options: [{ shipping_rate: euro.id }] })).rejects.toMatchObject({ statusCode: 400, param: 'shipping_options[0][shipping_rate]' });
    await expect(local.stripe.checkout.sessions.create({ ...base, shipping_options: [{ shipping_rate: archived.id }] })).rejects.toMatchObject({ statusCode: 400 });
    const monthly = await local.stripe.prices.create({ product: price.product as string, unit_amount: 500, currency: 'usd', recurring: { interval: 'month' } });
    await expect(local.stripe.checkout.sessions.create({ ...base, mode: 'subscription', line_items: [{ price: monthly.id, quantity: 1 }], shipping_options: [{ shipping_rate: euro.id }] })).rejects.toMatchObject({ statusCode: 400, param: 'shipping_options' });
    expect((await local.stripe.checkout.sessions.list()).data).toEqual([]);
  });

  it('the hosted page shows each rate with its price and estimate; the buyer’s pick updates the total, and Pay leaves shipping_cost and collected_information.shipping_details on the session', async () => {
    const price = await mugPrice();
    const session = await local.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
      shipping_address_collection: { allowed_countries: ['US'] },
      shipping_options: [{ shipping_rate_data: STANDARD }, { shipping_rate_data: EXPRESS }],
    });
    const page = await (await fetch(`${local.fake.url}/pay/${session.id}`)).text();
    expect(page).toContain('Standard — $5.00 (3–7 business days)');
    expect(page).toContain('Express — $15.00');
    expect(page).toMatch(/data-testid="total">\$23\.00/);
    const express = session.shipping_options[1]!.shipping_rate as string;
    const updated = await payOn(session.id, { action: 'shipping', shipping_rate: express });
    expect(await updated.text()).toMatch(/data-testid="total">\$33\.00/);
    expect((await payOn(session.id, { action: 'pay', email: 'ada@example.com', shipping_rate: express, ...shippingFields })).status).toBe(303);
    const paid = await local.stripe.checkout.sessions.retrieve(session.id);
    expect(paid).toMatchObject({ status: 'complete', payment_status: 'paid', amount_subtotal: 1800, amount_total: 3300, total_details: { amount_shipping: 1500 } });
    expect(paid.shipping_cost).toEqual({ amount_subtotal: 1500, amount_tax: 0, amount_total: 1500, shipping_rate: express });
    expect(paid.collected_information?.shipping_details).toEqual({ name: 'Ada Lovelace', address: { line1: '12 Harbour Lane', line2: null, city: 'Portsmouth', state: 'NH', postal_code: '03801', country: 'US' } });
    const intent = await local.stripe.paymentIntents.retrieve(paid.payment_intent as string);
    expect(intent.amount).toBe(3300);
  });

  it('a rate that is not one of the session’s options → 400 on the page, and the session stays open at its total', async () => {
    const price = await mugPrice();
    const other = await local.stripe.shippingRates.create({ ...EXPRESS, fixed_amount: { amount: 1, currency: 'usd' } });
    const session = await local.stripe.checkout.sessions.create({
      mode: 'payment',
      line_items: [{ price: price.id, quantity: 1 }],
      success_url: 'http://127.0.0.1:9/s',
      shipping_address_collection: { allowed_countries: ['US'] },
      shipping_options: [{ shipping_rate_data: STANDARD }],
    });
    const refused = await payOn(session.id, { action: 'pay', shipping_rate: other.id, ...shippingFields });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(/is not one of this checkout&#39;s shipping options/);
    expect(await local.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: 'open', amount_total: 2300 });
  });
});

describe('shipping_options on a Payment Link', () => {
  it('takes rates by id, shows them as Stripe does, and a visit starts a session asking the address and offering them', async () => {
    const price = await mugPrice();
    const [standard, express] = [await local.stripe.shippingRates.create(STANDARD), await local.stripe.shippingRates.create(EXPRESS)];
    const link = await local.stripe.paymentLinks.create({
      line_items: [{ price: price.id, quantity: 1 }],
      shipping_address_collection: { allowed_countries: ['US', 'GB'] },
      shipping_options: [{ shipping_rate: standard.id }, { shipping_rate: express.id }],
    });
    expect(link.shipping_options).toEqual([
      { shipping_amount: 500, shipping_rate: standard.id },
      { shipping_amount: 1500, shipping_rate: express.id },
    ]);
    const visit = await fetch(`${local.fake.url}/pay-link/${link.id}`, { redirect: 'manual' });
    const sessionId = visit.headers.get('location')!.split('/').pop()!;
    const session = await local.stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ payment_link: link.id, shipping_address_collection: { allowed_countries: ['US', 'GB'] }, amount_total: 2300 });
    expect(session.shipping_options.map((option) => option.shipping_rate)).toEqual([standard.id, express.id]);
  });

  it('an update replaces its rates; shipping_rate_data on a link is an unknown parameter', async () => {
    const price = await mugPrice();
    const [standard, express] = [await local.stripe.shippingRates.create(STANDARD), await local.stripe.shippingRates.create(EXPRESS)];
    const link = await local.stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }], shipping_options: [{ shipping_rate: standard.id }] });
    const updated = await local.stripe.paymentLinks.update(link.id, { shipping_options: [{ shipping_rate: express.id }] });
    expect(updated.shipping_options).toEqual([{ shipping_amount: 1500, shipping_rate: express.id }]);
    await expect(
      local.stripe.paymentLinks.create({ line_items: [{ price: price.id, quantity: 1 }], shipping_options: [{ shipping_rate_data: EXPRESS }] } as unknown as Stripe.PaymentLinkCreateParams),
    ).rejects.toMatchObject({ statusCode: 400, code: 'parameter_unknown' });
  });
});
