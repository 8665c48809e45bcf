// The local Stripe's checkout options, driven by the `stripe` package as the worker drives Stripe:
// coupons and promotion codes, and a hosted page that takes a code, a shipping address and a
// phone, leaving them on the completed session where Stripe does.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { useLocalStripe } from '../support/local-stripe';

const local = useLocalStripe();

async function mugSession(params: Partial<Stripe.Checkout.SessionCreateParams> = {}) {
  const mug = await local.stripe.products.create({ name: 'Mug' });
  const price = await local.stripe.prices.create({ product: mug.id, unit_amount: 1800, currency: 'usd' });
  return local.stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: [{ price: price.id, quantity: 2 }],
    success_url: 'http://127.0.0.1:9/success?session_id={CHECKOUT_SESSION_ID}',
    cancel_url: 'http://127.0.0.1:9/cart',
    ...params,
  } satisfies Stripe.Checkout.SessionCreateParams);
}

const payOn = (sessionId: string, fields: Record<string, string>) =>
  fetch(`${local.fake.url}/pay/${sessionId}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });

describe('coupons and promotion codes', () => {
  it('creates a coupon and a promotion code for it (promotion[coupon], API 2026-10-28) and finds the code by its text', async () => {
    const coupon = await local.stripe.coupons.create({ percent_off: 25, duration: 'once', name: 'Quarter off' });
    const code = await local.stripe.promotionCodes.create({ code: 'CAMP25', promotion: { type: 'coupon', coupon: coupon.id } });
    expect(code).toMatchObject({ object: 'promotion_code', code: 'CAMP25', active: true, promotion: { type: 'coupon', coupon: coupon.id } });
    expect(code.id).toMatch(/^promo_1/);
    expect((await local.stripe.promotionCodes.list({ code: 'camp25' })).data.map((p) => p.id)).toEqual([code.id]);
    await expect(local.stripe.promotionCodes.create({ code: 'X', promotion: { type: 'coupon', coupon: 'nope' } })).rejects.toMatchObject({ statusCode: 400, code: 'resource_missing' });
  });
});

describe('the hosted page collects what the session asks for', () => {
  it('a promotion code typed on the page: Apply shows the discount, Pay completes with discounts, total_details and amount_total as Stripe sets them', async () => {
    const coupon = await local.stripe.coupons.create({ percent_off: 25 });
    const code = await local.stripe.promotionCodes.create({ code: 'CAMP25', promotion: { type: 'coupon', coupon: coupon.id } });
    const session = await mugSession({ allow_promotion_codes: true });
    const form = await (await fetch(`${local.fake.url}/pay/${session.id}`)).text();
    expect(form).toContain('name="promotion_code"');
    const applied = await payOn(session.id, { action: 'apply', promotion_code: 'camp25' });
    expect(applied.status).toBe(200);
    expect(await applied.text()).toContain('Discount: −$9.00');
    expect((await payOn(session.id, { action: 'pay', promotion_code: 'camp25' })).status).toBe(303);
    const paid = await local.stripe.checkout.sessions.retrieve(session.id);
    expect(paid).toMatchObject({ status: 'complete', amount_subtotal: 3600, amount_total: 2700, discounts: [{ coupon: coupon.id, promotion_code: code.id }], total_details: { amount_discount: 900 } });
    expect((await local.stripe.promotionCodes.retrieve(code.id)).times_redeemed).toBe(1);
  });

  it('an unknown code, or a code on a session that does not allow codes, is refused on the page and changes nothing', async () => {
    const coupon = await local.stripe.coupons.create({ amount_off: 500, currency: 'usd' });
    await local.stripe.promotionCodes.create({ code: 'FIVE', promotion: { type: 'coupon', coupon: coupon.id } });
    const open = await mugSession({ allow_promotion_codes: true });
    const unknown = await payOn(open.id, { action: 'apply', promotion_code: 'NOPE' });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('This code is invalid: NOPE');
    const closed = await mugSession();
    expect((await payOn(closed.id, { action: 'pay', promotion_code: 'FIVE' })).status).toBe(400);
    expect(await local.stripe.checkout.sessions.retrieve(closed.id)).toMatchObject({ status: 'open', amount_total: 3600, discounts: [] });
  });

  it('shipping and phone: required when collected, the country must be allowed, and the paid session carries collected_information.shipping_details and customer_details.phone', async () => {
    const session = await mugSession({ shipping_address_collection: { allowed_countries: ['US', 'CA'] }, phone_number_collection: { enabled: true } });
    const form = await (await fetch(`${local.fake.url}/pay/${session.id}`)).text();
    expect(form).toContain('name="shipping_line1"');
    expect(form).toContain('name="phone"');
    const address = { shipping_name: 'Ada Lovelace', shipping_line1: '12 Harbour Lane', shipping_city: 'Portsmouth', shipping_state: 'NH', shipping_postal_code: '03801', shipping_country: 'US' };
    expect((await payOn(session.id, { action: 'pay', phone: '+1 603 555 0147' })).status).toBe(400);
    expect((await payOn(session.id, { action: 'pay', ...address, shipping_country: 'FR', phone: '+1 603 555 0147' })).status).toBe(400);
    expect((await payOn(session.id, { action: 'pay', ...address })).status).toBe(400);
    expect((await local.stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    expect((await payOn(session.id, { action: 'pay', ...address, phone: '+1 603 555 0147' })).status).toBe(303);
    const paid = await local.stripe.checkout.sessions.retrieve(session.id);
    expect(paid.collected_information?.shipping_details).toEqual({ name: 'Ada Lovelace', address: { line1: '12 Harbour Lane', line2: null, city: 'Portsmouth', state: 'NH', postal_code: '03801', country: 'US' } });
    expect(paid.customer_details?.phone).toBe('+1 603 555 0147');
  });

  it('completeCheckoutSession takes the same form (what tests and the control endpoint use)', async () => {
    const coupon = local.fake.seedCoupon({ amount_off: 600, currency: 'usd' });
    local.fake.seedPromotionCode({ code: 'SIX', coupon: coupon.id });
    const session = await mugSession({ allow_promotion_codes: true, shipping_address_collection: { allowed_countries: ['GB'] } });
    const paid = await local.fake.completeCheckoutSession(session.id, { promotionCode: 'SIX', shipping: { name: 'A', line1: '1 Road', city: 'Leeds', postal_code: 'LS1', country: 'GB' } });
    expect(paid).toMatchObject({ amount_total: 3000, total_details: { amount_discount: 600 }, collected_information: { shipping_details: { name: 'A', address: { country: 'GB' } } } });
  });
});
