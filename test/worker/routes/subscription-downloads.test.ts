// Files bought through a subscription are served while the subscription is: its links answer
// 410 once Stripe reports it canceled, unpaid, paused or overdue past the grace, and again 200
// when it resumes. Every state arrives as Stripe sends it: a signed event through the webhook
// route. The order itself stays fulfilled (money state never moves back); the order API and
// /api/entitlements say the same as the links.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { findProduct } from '../../../catalog';
import { downloadPath } from '../../../worker/delivery/links';
import { signLink } from '../../../worker/delivery/signature';
import { bodyOf, DOWNLOAD_SECRET, testApp, testEnv } from '../support/app';
import { newBuyer } from '../support/buyer';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';
import { buy, downloadCount, fileBytes, get, orderOf, PDF_KEY, PNG_KEY, putFile, type TestApp } from '../delivery/support';

const DAY_S = 24 * 60 * 60;
const CLUB = findProduct('field-notes-club')!;
const TRAIL_MAP = findProduct('trail-map-print')!;
const BROWSER = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', 'sec-fetch-mode': 'navigate' };

const CANCELED = 'this subscription was canceled: its downloads and licence keys ended with it';
const PAUSED = 'this subscription is paused: its downloads and licence keys work again when it resumes';
const UNPAID = 'this subscription is unpaid: its downloads and licence keys work again once the overdue payment is made';
const OVERDUE = "this subscription's payment is overdue: its downloads and licence keys work again once it is paid";
const UNREPORTED = 'the shop has not heard from Stripe about this subscription: its downloads and licence keys wait until it does (ask the shop)';

beforeEach(async () => {
  await putFile(PDF_KEY, fileBytes(400), 'application/pdf');
  await putFile(PNG_KEY, fileBytes(300, 5), 'image/png');
});

const nowS = () => Math.floor(Date.now() / 1000);
// Each event of a test is newer than the one before, as Stripe's `created` would be.
let eventClock = nowS() - 10_000;
const nextCreated = () => ++eventClock;

/** The subscription as a `customer.subscription.*` event carries it: one item, its period starting `periodStart`. */
function subscriptionObject(id: string, status: Stripe.Subscription.Status, periodStart = nowS() - DAY_S): Stripe.Subscription {
  const base = fixture<Stripe.Subscription>('subscription');
  const item = base.items.data[0]!;
  return {
    ...base,
    id,
    customer: 'cus_subscription_access',
    status,
    cancel_at_period_end: false,
    items: { ...base.items, data: [{ ...item, id: `si_${id}`, subscription: id, current_period_start: periodStart, current_period_end: periodStart + 30 * DAY_S }] },
  };
}

async function report(app: TestApp, type: string, subscription: Stripe.Subscription) {
  const response = await app.send(await delivery(event(type, subscription, { created: nextCreated() })));
  expect(response.status).toBe(200);
}

/** A paid Checkout Session in subscription mode for the Field Notes Club ($5 a month, the pattern pack's PDF). */
async function subscribe(app: TestApp, overrides: Partial<Stripe.Checkout.Session> = {}) {
  const subscriptionId = `sub_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}`;
  const session = checkoutSession({
    mode: 'subscription',
    subscription: subscriptionId,
    payment_intent: null,
    metadata: { product_id: CLUB.id },
    amount_subtotal: CLUB.price.amount,
    amount_total: CLUB.price.amount,
    ...overrides,
  });
  const response = await app.send(await delivery(event('checkout.session.completed', session, { created: nextCreated() })));
  expect(response.status).toBe(200);
  return { session, subscriptionId };
}

/**
 * One checkout of the trail map ($24 once, a pool licence key) and the club ($5 a month): subscription
 * mode, its two lines expanded as an API read returns them, their prices mirrored beforehand.
 */
async function subscribeWithTrailMap(app: TestApp, overrides: Partial<Stripe.Checkout.Session> = {}) {
  await env.DB.prepare("INSERT INTO licence_keys (product_id, key, source, added_at) VALUES ('trail-map-print', ?, 'pool', 0)").bind(`MIXED-${crypto.randomUUID()}`).run();
  const mapPrice: Stripe.Price = { ...fixture<Stripe.Price>('price'), id: `price_map_${crypto.randomUUID().slice(0, 8)}`, product: TRAIL_MAP.id, type: 'one_time', recurring: null, unit_amount: TRAIL_MAP.price.amount };
  const clubPrice: Stripe.Price = { ...fixture<Stripe.Price>('price'), id: `price_club_${crypto.randomUUID().slice(0, 8)}`, product: CLUB.id, unit_amount: CLUB.price.amount };
  for (const price of [mapPrice, clubPrice]) await app.send(await delivery(event('price.created', price, { created: nextCreated() })));
  const line = (price: Stripe.Price) => ({ ...fixture<Stripe.LineItem>('item'), price, quantity: 1, amount_subtotal: price.unit_amount!, amount_total: price.unit_amount!, currency: 'usd' });
  const total = TRAIL_MAP.price.amount + CLUB.price.amount;
  const lineItems = { object: 'list' as const, data: [line(mapPrice), line(clubPrice)], has_more: false, url: '/v1/checkout/sessions/line_items' };
  return subscribe(app, { amount_subtotal: total, amount_total: total, line_items: lineItems, ...overrides });
}

/** Subscribed, Stripe reported the subscription active, and the order page gave the link to the club's file. */
async function subscribed(app = testApp(), overrides: Partial<Stripe.Checkout.Session> = {}) {
  const { session, subscriptionId } = await subscribe(app, overrides);
  await report(app, 'customer.subscription.created', subscriptionObject(subscriptionId, 'active'));
  const order = await orderOf(app, session.id);
  const link = order.downloads.find((download) => download.product.id === CLUB.id)!;
  expect(link.url).toContain(encodeURI(PDF_KEY));
  return { app, session, subscriptionId, order, link };
}

const status = async (app: TestApp, url: string, environment = testEnv()) => (await app.send(get(url), environment)).status;
const refusal = async (response: Response) => ({ status: response.status, body: await response.json() });

describe('a subscription ends: its files stop', () => {
  it('canceled (customer.subscription.deleted): the link answers 410 with the reason, the order stays fulfilled, lists no link and says why', async () => {
    const { app, session, subscriptionId, link } = await subscribed();
    expect(await status(app, link.url)).toBe(200);

    await report(app, 'customer.subscription.deleted', subscriptionObject(subscriptionId, 'canceled'));

    expect(await refusal(await app.send(get(link.url)))).toEqual({ status: 410, body: { error: CANCELED } });
    expect(await downloadCount(session.id, PDF_KEY)).toBe(1);
    const order = await orderOf(app, session.id);
    expect(order.status).toBe('fulfilled');
    expect(order.downloads).toEqual([]);
    expect(order.subscriptionAccess).toEqual({ status: 'canceled', allowed: false, reason: CANCELED, graceEndsAt: null });
  });

  it("a browser opening the canceled subscription's link gets the reason page (410)", async () => {
    const { app, subscriptionId, order, link } = await subscribed();
    await report(app, 'customer.subscription.deleted', subscriptionObject(subscriptionId, 'canceled'));
    const response = await app.send(get(link.url, BROWSER));
    expect(response.status).toBe(410);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<p id="reason">This subscription was canceled: its downloads and licence keys ended with it.</p>');
    expect(page).toContain(`<code>${order.deliveryToken}</code>`);
  });

  it('incomplete_expired: 410', async () => {
    const { app, subscriptionId, link } = await subscribed();
    await report(app, 'customer.subscription.updated', subscriptionObject(subscriptionId, 'incomplete_expired'));
    expect(await refusal(await app.send(get(link.url)))).toEqual({
      status: 410,
      body: { error: "this subscription's first payment was never completed: it has no downloads or licence keys" },
    });
  });
});

describe('a subscription comes back: its files work again', () => {
  it('paused: 410 saying so; resumed (customer.subscription.resumed): the same link answers 200 and the order lists it again', async () => {
    const { app, session, subscriptionId, link } = await subscribed();
    await report(app, 'customer.subscription.paused', subscriptionObject(subscriptionId, 'paused'));
    expect(await refusal(await app.send(get(link.url)))).toEqual({ status: 410, body: { error: PAUSED } });
    expect((await orderOf(app, session.id)).downloads).toEqual([]);

    await report(app, 'customer.subscription.resumed', subscriptionObject(subscriptionId, 'active'));

    expect(await status(app, link.url)).toBe(200);
    const order = await orderOf(app, session.id);
    expect(order.downloads.map((download) => download.filename)).toEqual(['field-notes-pattern-pack.pdf']);
    expect(order.subscriptionAccess).toEqual({ status: 'active', allowed: true, reason: null, graceEndsAt: null });
  });

  it('unpaid: 410; the overdue invoice paid (updated to active): 200', async () => {
    const { app, subscriptionId, link } = await subscribed();
    await report(app, 'customer.subscription.updated', subscriptionObject(subscriptionId, 'unpaid', nowS() - 20 * DAY_S));
    expect(await refusal(await app.send(get(link.url)))).toEqual({ status: 410, body: { error: UNPAID } });
    await report(app, 'customer.subscription.updated', subscriptionObject(subscriptionId, 'active'));
    expect(await status(app, link.url)).toBe(200);
  });
});

describe('past_due: served for SUBSCRIPTION_PAST_DUE_GRACE_DAYS (default 7) from the start of the unpaid period', () => {
  it('3 days into it: 200, and the order API says when access ends unless paid', async () => {
    const { app, session, subscriptionId, link } = await subscribed();
    const periodStart = nowS() - 3 * DAY_S;
    await report(app, 'customer.subscription.updated', subscriptionObject(subscriptionId, 'past_due', periodStart));
    expect(await status(app, link.url)).toBe(200);
    const order = await orderOf(app, session.id);
    expect(order.downloads).toHaveLength(1);
    expect(order.subscriptionAccess).toEqual({ status: 'past_due', allowed: true, reason: null, graceEndsAt: new Date((periodStart + 7 * DAY_S) * 1000).toISOString() });
  });

  it('8 days into it: 410 saying the payment is overdue, and no link on the order', async () => {
    const { app, session, subscriptionId, link } = await subscribed();
    await report(app, 'customer.subscription.updated', subscriptionObject(subscriptionId, 'past_due', nowS() - 8 * DAY_S));
    expect(await refusal(await app.send(get(link.url)))).toEqual({ status: 410, body: { error: OVERDUE } });
    const order = await orderOf(app, session.id);
    expect(order.downloads).toEqual([]);
    expect(order.subscriptionAccess).toEqual({ status: 'past_due', allowed: false, reason: OVERDUE, graceEndsAt: null });
  });

  it('the seller sets the grace: 10 days serves the 8th day, 0 days refuses the first hour', async () => {
    const { app, subscriptionId, link } = await subscribed();
    await report(app, 'customer.subscription.updated', subscriptionObject(subscriptionId, 'past_due', nowS() - 8 * DAY_S));
    expect(await status(app, link.url, testEnv({ SUBSCRIPTION_PAST_DUE_GRACE_DAYS: '10' }))).toBe(200);
    await report(app, 'customer.subscription.updated', subscriptionObject(subscriptionId, 'past_due', nowS() - 3600));
    expect(await status(app, link.url, testEnv({ SUBSCRIPTION_PAST_DUE_GRACE_DAYS: '0' }))).toBe(410);
  });
});

describe('events out of order', () => {
  it('the checkout before Stripe reported the subscription: the delivery hook gets the links, they work, and the order says its status is not known yet', async () => {
    const app = testApp();
    const { session } = await subscribe(app);
    expect(app.deliveries.find((request) => request.order.id === session.id)!.downloads).toHaveLength(1);
    const order = await orderOf(app, session.id);
    expect(order.subscriptionAccess).toEqual({ status: null, allowed: true, reason: null, graceEndsAt: null });
    expect(await status(app, order.downloads[0]!.url)).toBe(200);
  });

  it("Checkout's first snapshot says incomplete (the update to active still on its way): the delivery hook gets the links, and they work", async () => {
    const app = testApp();
    const subscriptionId = `sub_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}`;
    await report(app, 'customer.subscription.created', subscriptionObject(subscriptionId, 'incomplete'));
    const { session } = await subscribe(app, { subscription: subscriptionId });

    const delivered = app.deliveries.find((request) => request.order.id === session.id)!;
    expect(delivered.downloads.map((download) => download.filename)).toEqual(['field-notes-pattern-pack.pdf']);
    const order = await orderOf(app, session.id);
    expect(order.subscriptionAccess).toEqual({ status: 'incomplete', allowed: true, reason: null, graceEndsAt: null });
    expect(await status(app, order.downloads[0]!.url)).toBe(200);
  });

  it('still not reported 3 days after the order was fulfilled: no link, and a link signed then answers 410 saying the shop cannot confirm it', async () => {
    const app = testApp();
    const { session } = await subscribe(app);
    const token = (await orderOf(app, session.id)).deliveryToken!;
    const laterMs = Date.now() + 3 * DAY_S * 1000 + 60_000;
    const later = testApp({ now: () => laterMs });

    const order = await orderOf(later, session.id);
    expect(order.downloads).toEqual([]);
    expect(order.subscriptionAccess).toEqual({ status: null, allowed: false, reason: UNREPORTED, graceEndsAt: null });
    const expires = Math.floor(laterMs / 1000) + 3600;
    const url = downloadPath(token, PDF_KEY, expires, await signLink(DOWNLOAD_SECRET, { token, key: PDF_KEY, expires }));
    expect(await refusal(await later.send(get(url)))).toEqual({ status: 410, body: { error: UNREPORTED } });
  });

  it('the deletion delivered before the checkout: the order is fulfilled, yet lists no link and its files answer 410', async () => {
    const app = testApp();
    const subscriptionId = `sub_${crypto.randomUUID().replaceAll('-', '').slice(0, 14)}`;
    await report(app, 'customer.subscription.deleted', subscriptionObject(subscriptionId, 'canceled'));
    const { session } = await subscribe(app, { subscription: subscriptionId });

    const order = await orderOf(app, session.id);
    expect(order.status).toBe('fulfilled');
    expect(order.downloads).toEqual([]);
    expect(order.subscriptionAccess).toMatchObject({ status: 'canceled', allowed: false, reason: CANCELED });
    const token = order.deliveryToken!;
    const expires = nowS() + 3600;
    const url = downloadPath(token, PDF_KEY, expires, await signLink(DOWNLOAD_SECRET, { token, key: PDF_KEY, expires }));
    expect(await refusal(await app.send(get(url)))).toEqual({ status: 410, body: { error: CANCELED } });
  });
});

describe('one-time purchases are untouched', () => {
  it("the same buyer's one-time pattern pack (the same file) keeps downloading after the club is canceled", async () => {
    const app = testApp();
    const { session: once } = await buy(app, 'field-notes');
    const oneTimeLink = (await orderOf(app, once.id)).downloads[0]!;
    const { subscriptionId, link: clubLink } = await subscribed(app);

    await report(app, 'customer.subscription.deleted', subscriptionObject(subscriptionId, 'canceled'));

    expect(await status(app, clubLink.url)).toBe(410);
    expect(await status(app, oneTimeLink.url)).toBe(200);
    const order = await orderOf(app, once.id);
    expect(order.subscriptionAccess).toBeNull();
    expect(order.downloads).toHaveLength(1);
    expect(order.licenceKeys).toEqual([expect.objectContaining({ key: expect.any(String) })]);
  });

  it("a one-time product bought in the same checkout as the club keeps its file and licence key; the club's file answers 410", async () => {
    const app = testApp();
    const { session, subscriptionId } = await subscribeWithTrailMap(app);
    await report(app, 'customer.subscription.created', subscriptionObject(subscriptionId, 'active'));
    const before = await orderOf(app, session.id);
    expect(before.status).toBe('fulfilled');
    const linkOf = (id: string) => before.downloads.find((download) => download.product.id === id)!.url;
    const mapKey = before.licenceKeys.find((view) => view.product.id === TRAIL_MAP.id)!.key;
    expect(mapKey).toMatch(/^MIXED-/);

    await report(app, 'customer.subscription.deleted', subscriptionObject(subscriptionId, 'canceled'));

    expect(await status(app, linkOf(CLUB.id))).toBe(410);
    expect(await status(app, linkOf(TRAIL_MAP.id))).toBe(200);
    const after = await orderOf(app, session.id);
    expect(after.downloads.map((download) => download.product.id)).toEqual([TRAIL_MAP.id]);
    expect(after.licenceKeys).toEqual([{ product: { id: TRAIL_MAP.id, name: TRAIL_MAP.name }, key: mapKey }]);
    expect(after.subscriptionAccess).toMatchObject({ allowed: false, reason: CANCELED });
  });
});

describe('/api/entitlements agrees with the links', () => {
  const entitlements = async (app: TestApp, buyer: Awaited<ReturnType<typeof newBuyer>>) =>
    bodyOf(app.client().api.entitlements[':clientReferenceId'].$get({ param: { clientReferenceId: buyer.id } }, { headers: buyer.headers }));

  it.each([
    { state: 'active', type: 'customer.subscription.updated', subscriptionStatus: 'active', periodDaysAgo: 1, expected: 200 },
    { state: 'past_due within the grace', type: 'customer.subscription.updated', subscriptionStatus: 'past_due', periodDaysAgo: 3, expected: 200 },
    { state: 'past_due beyond the grace', type: 'customer.subscription.updated', subscriptionStatus: 'past_due', periodDaysAgo: 8, expected: 410 },
    { state: 'paused', type: 'customer.subscription.paused', subscriptionStatus: 'paused', periodDaysAgo: 1, expected: 410 },
    { state: 'unpaid', type: 'customer.subscription.updated', subscriptionStatus: 'unpaid', periodDaysAgo: 20, expected: 410 },
    { state: 'canceled', type: 'customer.subscription.deleted', subscriptionStatus: 'canceled', periodDaysAgo: 1, expected: 410 },
  ] as const)('$state: the link answers $expected, and the subscription is listed exactly when the link works', async ({ type, subscriptionStatus, periodDaysAgo, expected }) => {
    const buyer = await newBuyer();
    const { app, subscriptionId, link } = await subscribed(testApp(), { client_reference_id: buyer.id });
    await report(app, type, subscriptionObject(subscriptionId, subscriptionStatus, nowS() - periodDaysAgo * DAY_S));

    expect(await status(app, link.url)).toBe(expected);
    const held = await entitlements(app, buyer);
    expect(held.subscriptions.map((subscription) => [subscription.subscriptionId, subscription.status])).toEqual(expected === 200 ? [[subscriptionId, subscriptionStatus]] : []);
    // The club is a subscription product: never listed as a one-off purchase.
    expect(held.products).toEqual([]);
  });

  it('a one-time product bought in the same checkout is listed among the products, and stays after the cancellation', async () => {
    const buyer = await newBuyer();
    const app = testApp();
    const { session, subscriptionId } = await subscribeWithTrailMap(app, { client_reference_id: buyer.id });
    await report(app, 'customer.subscription.created', subscriptionObject(subscriptionId, 'active'));
    const listed = async () => (await entitlements(app, buyer)).products.map((entry) => [entry.orderId, entry.product?.id]);
    expect(await listed()).toEqual([[session.id, TRAIL_MAP.id]]);
    expect((await entitlements(app, buyer)).subscriptions.map((subscription) => subscription.subscriptionId)).toEqual([subscriptionId]);

    await report(app, 'customer.subscription.deleted', subscriptionObject(subscriptionId, 'canceled'));

    expect(await listed()).toEqual([[session.id, TRAIL_MAP.id]]);
    expect((await entitlements(app, buyer)).subscriptions).toEqual([]);
  });

  it('not reported by Stripe yet: listed with status null while its files are served', async () => {
    const buyer = await newBuyer();
    const app = testApp();
    const { subscriptionId } = await subscribe(app, { client_reference_id: buyer.id });
    expect((await entitlements(app, buyer)).subscriptions).toEqual([{ subscriptionId, status: null, cancelAtPeriodEnd: false, products: [] }]);
  });
});
