// Physical goods (issue 23): a paid session with any physical line awaits shipment instead of
// being fulfilled (its digital lines are delivered at once), records what shipping cost, and
// leaves it there until the seller marks it shipped with a carrier and tracking number, which
// the buyer's order API and page then show; mark delivered follows. Refused moves say why and
// change nothing. Sessions are made and paid in the suite's local Stripe, as a buyer pays.
import { env } from 'cloudflare:workers';
import type { InferRequestType } from 'hono/client';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { fulfil } from '../../../worker/seller-hooks';
import { builtAssets } from '../support/assets';
import { adminApi, seedOrder } from '../support/back-office';
import { fileBytes, PDF_KEY, putFile } from '../delivery/support';
import { bodyOf, orderRow, refused, snapshot, testApp } from '../support/app';
import { onSale, stripe, withStripe } from '../support/on-sale';
import { checkoutSession, delivery, event } from '../support/stripe';

type App = ReturnType<typeof testApp>;

const ADDRESS = { name: 'Ada Lovelace', line1: '12 Harbour Lane', city: 'Portsmouth', state: 'NH', postal_code: '03801', country: 'US' };
const RATES = [
  { shipping_rate_data: { display_name: 'Standard', type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' } } },
  { shipping_rate_data: { display_name: 'Express', type: 'fixed_amount', fixed_amount: { amount: 1500, currency: 'usd' } } },
] satisfies Stripe.Checkout.SessionCreateParams.ShippingOption[];

/** A cart of `lines` (catalog ids) paid in the local Stripe with an address and the Express rate, as its webhook carries it. */
async function paidCart(app: App, lines: { catalogId: string; amount: number }[]): Promise<Stripe.Checkout.Session> {
  const prices = [];
  for (const line of lines) prices.push((await onSale(app, line)).price);
  const created = await stripe.checkout.sessions.create({
    mode: 'payment',
    line_items: prices.map((price) => ({ price: price.id, quantity: 1 })),
    success_url: 'https://shop.example/success?session_id={CHECKOUT_SESSION_ID}',
    customer_email: 'ada@example.com',
    shipping_address_collection: { allowed_countries: ['US', 'CA'] },
    shipping_options: RATES,
  });
  const express = created.shipping_options[1]!.shipping_rate as string;
  const completed = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${created.id}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'ada@example.com', shipping: ADDRESS, shippingRate: express }),
  });
  expect(completed.status).toBe(200);
  return stripe.checkout.sessions.retrieve(created.id);
}

const mug = { catalogId: 'enamel-mug', amount: 1800 };
const notes = { catalogId: 'field-notes', amount: 1200 };
const send = async (app: App, session: Stripe.Checkout.Session) => expect((await app.send(await delivery(event('checkout.session.completed', session)), withStripe())).status).toBe(200);
const buyerOrder = (app: App, id: string) => bodyOf(app.client(withStripe()).api.orders[':sessionId'].$get({ param: { sessionId: id } }));
const orderPage = async (app: App, id: string) => (await app.send(new Request(`https://shop.example/success?session_id=${id}`), { ...withStripe(), ASSETS: builtAssets() })).text();
type Shipment = InferRequestType<ReturnType<typeof adminApi>['orders'][':id']['mark-shipped']['$post']>['json'];
const markShipped = (app: App, id: string, shipment: Shipment) => adminApi(app).orders[':id']['mark-shipped'].$post({ param: { id }, json: shipment });

describe('a paid session with a physical line', () => {
  it('awaits shipment, not fulfilled, with the shipping cost recorded (session.shipping_cost.amount_total)', async () => {
    const app = testApp();
    const session = await paidCart(app, [mug]);
    expect(session.shipping_cost?.amount_total).toBe(1500);
    await send(app, session);
    expect(await orderRow(session.id)).toMatchObject({ status: 'awaiting_shipment', amount_total: 3300, amount_shipping: 1500, shipped_at: null });
  });

  it('a duplicate delivery, and the same session by another event, change nothing', async () => {
    const app = testApp();
    const session = await paidCart(app, [mug]);
    await send(app, session);
    const before = await snapshot();
    const first = event('checkout.session.completed', session);
    await app.send(await delivery(first), withStripe());
    await app.send(await delivery(first), withStripe());
    const after = await snapshot();
    expect(after.orders).toEqual(before.orders);
    expect(after.outbox).toEqual(before.outbox);
  });

  it('a redelivered completed session after the seller shipped it leaves it shipped', async () => {
    const app = testApp();
    const session = await paidCart(app, [mug]);
    await send(app, session);
    await bodyOf(markShipped(app, session.id, { carrier: 'USPS', trackingNumber: '9400 1000 0000 0000 0000 00' }));
    await send(app, session);
    expect(await orderRow(session.id)).toMatchObject({ status: 'shipped', tracking_number: '9400 1000 0000 0000 0000 00' });
  });

  it('a mixed cart awaits shipment and delivers its digital line at once: the buyer’s API lists its download and licence key', async () => {
    // The shop's own fulfil hook: a delivery token for an order with any digital product.
    const app = testApp({ fulfil });
    await putFile(PDF_KEY, fileBytes(2048));
    const session = await paidCart(app, [notes, mug]);
    await send(app, session);
    const order = await buyerOrder(app, session.id);
    expect(order.status).toBe('awaiting_shipment');
    expect(order.downloads.map((download) => download.product.id)).toEqual(['field-notes']);
    expect(order.licenceKeys).toEqual([{ product: { id: 'field-notes', name: 'Field Notes Pattern Pack' }, key: expect.any(String) }]);
    expect(order.shipment).toEqual({ amount: 1500, carrier: null, trackingNumber: null, trackingUrl: null, shippedAt: null });
    const queued = await env.DB.prepare(`SELECT kind FROM outbox WHERE subject = ? OR subject = ? ORDER BY kind`).bind(session.id, `receipt:${session.id}`).all<{ kind: string }>();
    expect(queued.results.map((row) => row.kind)).toEqual(['delivered', 'email']);
  });

  it('a digital-only cart is still fulfilled, with no shipping on the buyer’s API', async () => {
    const app = testApp();
    const session = await paidCart(app, [notes]);
    await send(app, session);
    expect((await buyerOrder(app, session.id)).status).toBe('fulfilled');
    // The address and the rate were asked by this test's session, not by the shop: the cost is still what Stripe charged.
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', amount_shipping: 1500 });
  });
});

describe('the seller’s approval of a physical order held for review', () => {
  it('moves it to awaiting shipment, not fulfilled, and says so', async () => {
    const app = testApp();
    // $10.00 is no whole number of $18.00 mugs: held for review.
    const session = checkoutSession({ metadata: { product_id: 'enamel-mug' }, amount_subtotal: 1000, amount_total: 1000 });
    expect((await app.send(await delivery(event('checkout.session.completed', session)))).status).toBe(200);
    expect(await orderRow(session.id)).toMatchObject({ status: 'review' });
    const approved = await bodyOf(adminApi(app).orders[':id']['rerun-fulfilment'].$post({ param: { id: session.id }, json: {} }));
    expect(approved).toEqual({ orderStatus: 'awaiting_shipment', message: 'Approved: the order awaits shipment (mark it shipped when it leaves); its digital lines are delivered.' });
    expect(await orderRow(session.id)).toMatchObject({ status: 'awaiting_shipment' });
  });
});

describe('the seller ships it; the buyer sees it', () => {
  it('mark shipped with carrier and tracking number → the buyer’s API and order page show both and the carrier’s tracking link; the back office shows the cost', async () => {
    const app = testApp();
    const session = await paidCart(app, [mug]);
    await send(app, session);
    const awaiting = await orderPage(app, session.id);
    expect(awaiting).toContain('Paid — awaiting shipment');
    expect(awaiting).toContain('The tracking number appears here once the seller ships your order.');
    expect(awaiting).toContain('$15.00');

    const moved = await bodyOf(markShipped(app, session.id, { carrier: 'UPS', trackingNumber: '1Z999AA10123456784', shippedOn: '2026-01-05' }));
    expect(moved.orderStatus).toBe('shipped');

    const order = await buyerOrder(app, session.id);
    expect(order).toMatchObject({
      status: 'shipped',
      shipment: { amount: 1500, carrier: 'UPS', trackingNumber: '1Z999AA10123456784', trackingUrl: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', shippedAt: '2026-01-05T00:00:00.000Z' },
    });
    const page = await orderPage(app, session.id);
    expect(page).toContain('Shipped — your order is on its way');
    expect(page).toContain('<a id="tracking-link" href="https://www.ups.com/track?tracknum=1Z999AA10123456784"');
    expect(page).toContain('1Z999AA10123456784');

    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.amountShipping).toBe(1500);
    expect(detail.shipment).toMatchObject({ carrier: 'UPS', trackingNumber: '1Z999AA10123456784', trackingUrl: expect.stringContaining('ups.com') });
    expect(detail.can).toMatchObject({ markShipped: false, markDelivered: true });
    expect(detail.actions).toEqual([
      expect.objectContaining({ action: 'marked_shipped', actor: 'SYNC_TOKEN', detail: { from: 'awaiting_shipment', carrier: 'UPS', trackingNumber: '1Z999AA10123456784', shippedOn: '2026-01-05' } }),
    ]);
  });

  it('the seller may resend a shipped order’s receipt (the back office offers it)', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'awaiting_shipment', email: 'ada@example.com' });
    await bodyOf(markShipped(app, id, { carrier: 'USPS', trackingNumber: '9400' }));
    expect((await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: id } }))).can.resendReceipt).toBe(true);
    expect((await adminApi(app).orders[':id']['resend-receipt'].$post({ param: { id }, json: {} })).status).toBe(202);
  });

  it('a carrier the shop does not know: the number is shown without a link', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'awaiting_shipment' });
    await bodyOf(markShipped(app, id, { carrier: 'Bob’s Bikes', trackingNumber: 'BB-7' }));
    expect((await buyerOrder(app, id)).shipment).toMatchObject({ carrier: 'Bob’s Bikes', trackingNumber: 'BB-7', trackingUrl: null });
  });

  it('mark delivered after shipped → delivered, logged; the buyer’s page says so and keeps the tracking number', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'awaiting_shipment' });
    await bodyOf(markShipped(app, id, { carrier: 'DHL', trackingNumber: 'JD0146' }));
    const delivered = await bodyOf(adminApi(app).orders[':id']['mark-delivered'].$post({ param: { id }, json: { note: 'buyer confirmed' } }));
    expect(delivered.orderStatus).toBe('delivered');
    expect(await orderRow(id)).toMatchObject({ status: 'delivered', tracking_number: 'JD0146' });
    const page = await orderPage(app, id);
    expect(page).toContain('Delivered — thank you!');
    expect(page).toContain('JD0146');
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: id } }));
    expect(detail.actions.map((a) => a.action)).toEqual(['marked_shipped', 'marked_delivered']);
  });
});

describe('refused moves say why and change nothing', () => {
  it('shipping an unpaid (pending) order → 409 naming both states', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'pending' });
    const before = await snapshot();
    const body = await refused(markShipped(app, id, { carrier: 'UPS', trackingNumber: '1Z1' }), 409);
    expect(body.error).toBe('an order that is pending cannot become shipped');
    expect(await snapshot()).toEqual(before);
  });

  it('shipping twice → 409; the first carrier and tracking number stay', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'awaiting_shipment' });
    await bodyOf(markShipped(app, id, { carrier: 'UPS', trackingNumber: '1Z1' }));
    const before = await snapshot();
    const body = await refused(markShipped(app, id, { carrier: 'FedEx', trackingNumber: '999' }), 409);
    expect(body.error).toBe('an order that is shipped cannot become shipped');
    expect(await snapshot()).toEqual(before);
    expect(await orderRow(id)).toMatchObject({ shipping_carrier: 'UPS', tracking_number: '1Z1' });
  });

  it('mark delivered before it shipped → 409', async () => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'awaiting_shipment' });
    const before = await snapshot();
    const body = await refused(adminApi(app).orders[':id']['mark-delivered'].$post({ param: { id }, json: {} }), 409);
    expect(body.error).toBe('an order that is awaiting shipment cannot become delivered');
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    [{ carrier: 'UPS', trackingNumber: '1Z1', shippedOn: '2999-01-01' }, 400, /shippedOn: 2999-01-01 is in the future/],
    [{ carrier: 'UPS', trackingNumber: '1Z1', shippedOn: '5 January' }, 400, /must be the day it shipped, as YYYY-MM-DD/],
    [{ carrier: 'UPS', trackingNumber: '<script>' }, 400, /must be the tracking number/],
    [{ carrier: '', trackingNumber: '1Z1' }, 400, /must be the carrier/],
  ])('%j → %i, and the order still awaits shipment', async (body, status, message) => {
    const app = testApp();
    const id = await seedOrder({ createdAt: Date.now(), status: 'awaiting_shipment' });
    const before = await snapshot();
    expect((await refused(markShipped(app, id, body), status)).error).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });
});
