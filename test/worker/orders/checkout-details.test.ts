// What the checkout options leave on an order, read from the signed session: the discount
// (on the order, shown to the buyer) and the shipping address and phone (seller-only: the back
// office shows them, the buyer-facing order API never does).
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { parseResponse } from 'hono/client';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/back-office';
import { bodyOf, orderRow, testApp } from '../support/app';
import { checkoutSession, delivery, event } from '../support/stripe';

const ADDRESS = { line1: '12 Harbour Lane', line2: 'Flat 3', city: 'Portsmouth', state: 'NH', postal_code: '03801', country: 'US' };
const PHONE = '+16035550147';

/** A paid mug (physical) session with a $3.60 promotion code, a shipping address and a phone. */
function discountedShippedSession(overrides: Partial<Stripe.Checkout.Session> = {}): Stripe.Checkout.Session {
  const base = checkoutSession({ metadata: { product_id: 'enamel-mug' }, amount_subtotal: 1800, amount_total: 1440 });
  return {
    ...base,
    discounts: [{ coupon: 'Z4OV52SU', promotion_code: 'promo_1Pgc79B7WZ01zgkWNy4mn5NX' }],
    total_details: { amount_discount: 360, amount_shipping: 0, amount_tax: 0 },
    collected_information: { business_name: null, individual_name: null, shipping_details: { name: 'Ada Lovelace', address: ADDRESS } },
    customer_details: { ...base.customer_details!, phone: PHONE },
    ...overrides,
  };
}

const buyerDetailsRow = (orderId: string) => env.DB.prepare('SELECT * FROM order_buyer_details WHERE order_id = ?').bind(orderId).first();

describe('checkout.session.completed records the checkout options’ outcome', () => {
  it('a promotion code: the order keeps the discount, the promotion code and its coupon', async () => {
    const app = testApp();
    const session = discountedShippedSession();
    expect((await app.send(await delivery(event('checkout.session.completed', session)))).status).toBe(200);
    // The mug is physical: paid, it awaits shipment.
    expect(await orderRow(session.id)).toMatchObject({ status: 'awaiting_shipment', amount_total: 1440, amount_discount: 360, promotion_code: 'promo_1Pgc79B7WZ01zgkWNy4mn5NX', coupon: 'Z4OV52SU' });
  });

  it('collected_information.shipping_details and customer_details.phone land in order_buyer_details', async () => {
    const app = testApp();
    const session = discountedShippedSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    expect(await buyerDetailsRow(session.id)).toMatchObject({
      shipping_name: 'Ada Lovelace',
      shipping_line1: '12 Harbour Lane',
      shipping_line2: 'Flat 3',
      shipping_city: 'Portsmouth',
      shipping_state: 'NH',
      shipping_postal_code: '03801',
      shipping_country: 'US',
      phone: PHONE,
    });
  });

  it('a webhook endpoint on an API version before 2025-03-31 sends the address as top-level shipping_details: recorded the same', async () => {
    const app = testApp();
    const { collected_information: _moved, ...rest } = discountedShippedSession();
    const legacy = { ...rest, collected_information: null, shipping_details: { name: 'Grace Hopper', address: { ...ADDRESS, line2: null } } };
    await app.send(await delivery(event('checkout.session.completed', legacy)));
    expect(await buyerDetailsRow(legacy.id)).toMatchObject({ shipping_name: 'Grace Hopper', shipping_line1: '12 Harbour Lane', shipping_line2: null, shipping_country: 'US' });
  });

  it('a digital order with no address and no phone records no buyer details, and no discount', async () => {
    const app = testApp();
    const base = checkoutSession();
    const session = { ...base, collected_information: null, discounts: [], total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 }, customer_details: { ...base.customer_details!, phone: null } };
    await app.send(await delivery(event('checkout.session.completed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', amount_discount: 0, promotion_code: null, coupon: null });
    expect(await buyerDetailsRow(session.id)).toBeNull();
  });

  it('a country that is not a two-letter code is not recorded as one (the column refuses it)', async () => {
    const app = testApp();
    const session = discountedShippedSession({ collected_information: { business_name: null, individual_name: null, shipping_details: { name: 'X', address: { ...ADDRESS, country: 'USA' } } } });
    expect((await app.send(await delivery(event('checkout.session.completed', session)))).status).toBe(200);
    expect(await buyerDetailsRow(session.id)).toMatchObject({ shipping_country: null, shipping_line1: '12 Harbour Lane' });
  });
});

describe('who sees them', () => {
  it('the buyer-facing GET /api/orders/:id answers the discount but never the shipping address or the phone', async () => {
    const app = testApp();
    const session = discountedShippedSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    const response = await app.client().api.orders[':sessionId'].$get({ param: { sessionId: session.id } });
    const text = await response.clone().text();
    const body = await bodyOf(response);
    expect(body).toMatchObject({ amountTotal: 1440, amountDiscount: 360 });
    for (const secret of ['Ada Lovelace', 'Harbour Lane', 'Flat 3', 'Portsmouth', '03801', PHONE, '6035550147']) expect(text).not.toContain(secret);
    expect(Object.keys(body)).not.toEqual(expect.arrayContaining(['shipping']));
    expect(Object.keys(body)).not.toEqual(expect.arrayContaining(['phone']));
  });

  it('the seller’s GET /api/admin/orders/:id answers the discount, the shipping address and the phone', async () => {
    const app = testApp();
    const session = discountedShippedSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    const response = await adminApi(app).orders[':id'].$get({ param: { id: session.id } });
    expect(response.status).toBe(200);
    const detail = await parseResponse(response);
    expect(detail.discount).toEqual({ amount: 360, promotionCode: 'promo_1Pgc79B7WZ01zgkWNy4mn5NX', coupon: 'Z4OV52SU' });
    expect(detail.shipping).toEqual({ name: 'Ada Lovelace', line1: '12 Harbour Lane', line2: 'Flat 3', city: 'Portsmouth', state: 'NH', postalCode: '03801', country: 'US' });
    expect(detail.phone).toBe(PHONE);
  });

  it('an order without them: the back office answers null for each', async () => {
    const app = testApp();
    const base = checkoutSession();
    const session = { ...base, collected_information: null, discounts: [], total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 }, customer_details: { ...base.customer_details!, phone: null } };
    await app.send(await delivery(event('checkout.session.completed', session)));
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail).toMatchObject({ discount: null, shipping: null, phone: null });
  });
});
