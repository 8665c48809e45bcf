// A subscription order past its first month: each invoice Stripe signs (invoice.paid,
// invoice.payment_failed, invoice.payment_action_required) is a period of the order that started
// the subscription, recorded once per invoice whatever order and how often events arrive; the
// sales totals count the renewals; a refund or dispute of a renewal's charge finds the order and
// is recorded against that period; each paid renewal is delivered and emailed once, from the outbox.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/back-office';
import type { Env } from '../../../worker/platform/env';
import { bodyOf, DOWNLOAD_SECRET, ledgerRow, orderRow, testApp, testEnv } from '../support/app';
import { downloadPath } from '../../../worker/delivery/links';
import { signLink } from '../../../worker/delivery/signature';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';
import { alnum, CLUB, DAY_S, invoice, nextCreated, periodRows, subscribe } from './support';
import { fileBytes, get, orderOf, putFile } from '../delivery/support';

type App = ReturnType<typeof testApp>;

const mailEnv = (): Env =>
  testEnv({ EMAIL_API_KEY: 're_test_local', EMAIL_FROM: 'Fieldwork Supply <orders@shop.example>', EMAIL_API_BASE: env.FAKE_STRIPE_URL, SITE_URL: 'https://shop.example' });

async function mailTo(address: string): Promise<{ subject: string; text: string }[]> {
  const response = await fetch(`${env.FAKE_STRIPE_URL}/mail?to=${encodeURIComponent(address)}`, { headers: { accept: 'application/json' } });
  return ((await response.json()) as { messages: { subject: string; text: string }[] }).messages;
}

async function send(app: App, type: string, object: object, environment?: Env) {
  const sent = event(type, object, { created: nextCreated() });
  const response = await app.send(await delivery(sent), environment);
  expect(response.status, await response.clone().text()).toBe(200);
  return sent;
}

const outboxRows = (orderId: string) =>
  env.DB.prepare(`SELECT subject, kind, status FROM outbox WHERE subject LIKE '%' || ? || '%' ORDER BY id`).bind(orderId).all<{ subject: string; kind: string; status: string }>().then((result) => result.results);

function subscriptionObject(id: string, status: Stripe.Subscription.Status, periodStart: number): Stripe.Subscription {
  const base = fixture<Stripe.Subscription>('subscription');
  const item = base.items.data[0]!;
  return {
    ...base,
    id,
    customer: 'cus_renewals',
    status,
    cancel_at_period_end: false,
    items: { ...base.items, data: [{ ...item, id: `si_${id}`, subscription: id, current_period_start: periodStart, current_period_end: periodStart + 30 * DAY_S }] },
  };
}

describe.each(['sync', 'queue'] as const)('webhooks processed %s', (webhooks) => {
  it('invoice.paid for a renewal records one period of its order, however often it is delivered, and delivers it once', async () => {
    const app = testApp({}, { webhooks });
    const { session, subscription } = await subscribe(app);
    const renewal = invoice({ subscription });
    const paid = await send(app, 'invoice.paid', renewal);
    await app.send(await delivery(paid));
    await send(app, 'invoice.paid', renewal); // the same invoice in another event (a replay)

    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ invoice_id: renewal.id, status: 'paid', amount_paid: CLUB.price.amount })]);
    expect(await ledgerRow(paid.id)).toMatchObject({ status: 'processed' });
    const periodDeliveries = app.deliveries.filter((request) => request.period);
    expect(periodDeliveries).toHaveLength(1);
    expect(periodDeliveries[0]).toMatchObject({ order: { id: session.id }, period: { invoice: renewal.id, number: 2 } });
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });

  it('the first invoice (subscription_create) is the order’s own first period: recorded, neither delivered again nor counted twice in the totals', async () => {
    const now = Date.now();
    const app = testApp({ now: () => now });
    const currency = `x${alnum().slice(0, 5)}`;
    const { session, subscription, firstPaymentIntent } = await subscribe(app, currency);
    const before = app.deliveries.length;
    await send(app, 'invoice.paid', invoice({ subscription, billingReason: 'subscription_create', paymentIntent: firstPaymentIntent, currency }));

    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ billing_reason: 'subscription_create', status: 'paid' })]);
    expect(app.deliveries.length).toBe(before);
    const totals = await bodyOf(adminApi(app).totals.$get());
    expect(totals.today.find((total) => total.currency === currency)).toEqual({ currency, orders: 1, renewals: 0, amount: CLUB.price.amount });
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.periods).toEqual([expect.objectContaining({ first: true, status: 'paid', paymentIntent: firstPaymentIntent })]);
  });
});

describe('renewals and the mirror', () => {
  it.each([
    ['before', true],
    ['after', false],
  ])('invoice.paid arriving %s customer.subscription.updated records the same one period', async (_when, invoiceFirst) => {
    const app = testApp();
    const { session, subscription } = await subscribe(app);
    const periodStart = Math.floor(Date.now() / 1000) + 30 * DAY_S;
    const renewal = invoice({ subscription, periodStart });
    const updated = subscriptionObject(subscription, 'active', periodStart);
    if (invoiceFirst) {
      await send(app, 'invoice.paid', renewal);
      await send(app, 'customer.subscription.updated', updated);
    } else {
      await send(app, 'customer.subscription.updated', updated);
      await send(app, 'invoice.paid', renewal);
    }
    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ invoice_id: renewal.id, status: 'paid' })]);
    expect(app.deliveries.filter((request) => request.period?.invoice === renewal.id)).toHaveLength(1);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });

  it('a renewal recorded before its order exists (events out of order) belongs to the order once it arrives', async () => {
    const app = testApp();
    const subscription = `sub_${alnum()}`;
    const renewal = invoice({ subscription, billingReason: 'subscription_create' });
    await send(app, 'invoice.paid', renewal);
    const session = checkoutSession({ mode: 'subscription', subscription, payment_intent: renewal.payments.data[0]!.payment.payment_intent, metadata: { product_id: CLUB.id }, amount_subtotal: 500, amount_total: 500 });
    await send(app, 'checkout.session.completed', session);
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.periods.map((period) => period.invoice)).toEqual([renewal.id]);
  });
});

describe('failed renewals', () => {
  it('invoice.payment_failed records a failed period and the order page shows it with the subscription past_due; a later invoice.paid moves it to paid; a late failure changes nothing', async () => {
    const app = testApp();
    const { session, subscription } = await subscribe(app);
    const periodStart = Math.floor(Date.now() / 1000);
    const open = invoice({ subscription, periodStart, status: 'open', paymentIntent: null });
    const failed = await send(app, 'invoice.payment_failed', open);
    await send(app, 'customer.subscription.updated', subscriptionObject(subscription, 'past_due', periodStart));
    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ invoice_id: open.id, status: 'failed', amount_paid: 0 })]);
    expect(await ledgerRow(failed.id)).toMatchObject({ status: 'processed' });
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.periods).toEqual([expect.objectContaining({ invoice: open.id, status: 'failed' })]);
    const buyerView = await bodyOf(app.client().api.orders[':sessionId'].$get({ param: { sessionId: session.id } }));
    expect(buyerView.subscriptionAccess?.status).toBe('past_due');
    expect(app.deliveries.filter((request) => request.period)).toHaveLength(0);

    const paid = invoice({ subscription, periodStart, status: 'paid' });
    const settled = { ...paid, id: open.id };
    await send(app, 'invoice.paid', settled);
    await send(app, 'invoice.payment_failed', open);
    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ invoice_id: open.id, status: 'paid', amount_paid: CLUB.price.amount })]);
    expect(app.deliveries.filter((request) => request.period)).toHaveLength(1);
  });

  it('invoice.payment_action_required records the period as waiting for the buyer', async () => {
    const app = testApp();
    const { subscription } = await subscribe(app);
    const open = invoice({ subscription, status: 'open', paymentIntent: null });
    await send(app, 'invoice.payment_action_required', open);
    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ invoice_id: open.id, status: 'action_required' })]);
  });
});

describe('the first invoice', () => {
  it('a subscription order recorded without its PaymentIntent learns it from its first invoice, and a full refund of that charge then revokes the order', async () => {
    const app = testApp();
    const subscription = `sub_${alnum()}`;
    const session = checkoutSession({ mode: 'subscription', subscription, payment_intent: null, metadata: { product_id: CLUB.id }, amount_subtotal: 500, amount_total: 500 });
    await send(app, 'checkout.session.completed', session);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', payment_intent: null });
    const first = invoice({ subscription, billingReason: 'subscription_create' });
    const paymentIntent = first.payments.data[0]!.payment.payment_intent;
    await send(app, 'invoice.paid', first);
    expect(await orderRow(session.id)).toMatchObject({ payment_intent: paymentIntent });
    await send(app, 'charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, amount: 500, refunded: true, amount_refunded: 500 });
    expect(await orderRow(session.id)).toMatchObject({ status: 'refunded', amount_refunded: 500 });
    expect(app.revocations).toHaveLength(1);
  });
});

describe('totals and refunds of renewals', () => {
  it('the sales totals count each paid renewal once, by currency, net of its refunds', async () => {
    const now = Date.now();
    const app = testApp({ now: () => now });
    const currency = `x${alnum().slice(0, 5)}`;
    const { subscription, firstPaymentIntent } = await subscribe(app, currency);
    await send(app, 'invoice.paid', invoice({ subscription, billingReason: 'subscription_create', paymentIntent: firstPaymentIntent, currency }));
    const second = invoice({ subscription, currency });
    const third = invoice({ subscription, currency, periodStart: Math.floor(now / 1000) + 30 * DAY_S });
    await send(app, 'invoice.paid', second);
    await send(app, 'invoice.paid', second);
    await send(app, 'invoice.paid', third);
    const refundedPaymentIntent = third.payments.data[0]!.payment.payment_intent;
    await send(app, 'charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: refundedPaymentIntent, amount: 500, refunded: false, amount_refunded: 200 });

    const totals = await bodyOf(adminApi(app).totals.$get());
    expect(totals.today.find((total) => total.currency === currency)).toEqual({ currency, orders: 1, renewals: 2, amount: 500 + 500 + 300 });
  });

  it('a full refund of a renewal’s charge finds the subscription order, is recorded against that period, and leaves the order and its access as they were', async () => {
    const app = testApp();
    const { session, subscription } = await subscribe(app);
    const renewal = invoice({ subscription });
    const paymentIntent = renewal.payments.data[0]!.payment.payment_intent;
    await send(app, 'invoice.paid', renewal);
    const refund = await send(app, 'charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, amount: 500, refunded: true, amount_refunded: 500 });

    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ invoice_id: renewal.id, money_status: 'refunded', amount_refunded: 500 })]);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', amount_refunded: 0 });
    expect(app.revocations).toHaveLength(0);
    expect((await ledgerRow(refund.id))?.note).toBe(`the charge of renewal ${renewal.id} of order ${session.id} is refunded: recorded against that period; the order keeps its access (cancel the subscription in Stripe to end it)`);
    const found = await bodyOf(adminApi(app).orders.$get({ query: { q: paymentIntent } }));
    expect(found.orders.map((order) => order.id)).toEqual([session.id]);
  });

  it('a refund of a renewal’s charge that arrives before its invoice.paid is applied to the period when it is recorded', async () => {
    const app = testApp();
    const { subscription } = await subscribe(app);
    const renewal = invoice({ subscription });
    const paymentIntent = renewal.payments.data[0]!.payment.payment_intent;
    await send(app, 'charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, amount: 500, refunded: false, amount_refunded: 100 });
    await send(app, 'invoice.paid', renewal);
    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ money_status: 'partially_refunded', amount_refunded: 100 })]);
  });

  it('a dispute of a renewal’s charge is recorded against that period', async () => {
    const app = testApp();
    const { session, subscription } = await subscribe(app);
    const renewal = invoice({ subscription });
    await send(app, 'invoice.paid', renewal);
    await send(app, 'charge.dispute.created', { ...fixture<Stripe.Dispute>('dispute'), payment_intent: renewal.payments.data[0]!.payment.payment_intent });
    expect(await periodRows(subscription)).toEqual([expect.objectContaining({ money_status: 'disputed' })]);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });
});

describe('renewal and access-ended emails', () => {
  it('each paid renewal queues exactly one renewal email (order + kind + period), whatever the duplicates', async () => {
    const app = testApp();
    const { session, subscription } = await subscribe(app);
    const second = invoice({ subscription });
    const third = invoice({ subscription, periodStart: Math.floor(Date.now() / 1000) + 30 * DAY_S });
    for (const sent of [second, second, third, second, third]) await send(app, 'invoice.paid', sent);
    const renewalEmails = (await outboxRows(session.id)).filter((row) => row.kind === 'email' && row.subject.startsWith('renewal:'));
    expect(renewalEmails.map((row) => row.subject).sort()).toEqual([`renewal:${session.id}:${second.id}`, `renewal:${session.id}:${third.id}`].sort());
  });

  it('a paid renewal sends the buyer one renewal email naming the period and the amount, however often its invoice.paid arrives', async () => {
    const app = testApp();
    const { session, subscription, email } = await subscribe(app);
    const renewal = invoice({ subscription, periodStart: Date.UTC(2027, 0, 7) / 1000 });
    for (let i = 0; i < 3; i++) await send(app, 'invoice.paid', renewal, mailEnv());
    const renewals = (await mailTo(email)).filter((message) => message.subject === 'Your subscription at Fieldwork Supply: renewed');
    expect(renewals).toHaveLength(1);
    expect(renewals[0]!.text).toContain('renewed for period 2 (7 January 2027 – 6 February 2027); $5.00 was charged');
    expect(renewals[0]!.text).toContain(`https://shop.example/success?session_id=${session.id}`);
  });

  it('a subscription that ends sends the buyer one access-ended notice', async () => {
    const app = testApp();
    const { subscription, email } = await subscribe(app);
    const ended = subscriptionObject(subscription, 'canceled', Math.floor(Date.now() / 1000));
    await send(app, 'customer.subscription.deleted', ended, mailEnv());
    await send(app, 'customer.subscription.deleted', ended, mailEnv());
    const notices = (await mailTo(email)).filter((message) => message.subject === 'Your order at Fieldwork Supply: access ended');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.text).toContain('because its subscription ended');
  });

  it('customer.subscription.deleted queues one access-ended notice for the order, however often it is delivered', async () => {
    const app = testApp();
    const { session, subscription } = await subscribe(app);
    const ended = subscriptionObject(subscription, 'canceled', Math.floor(Date.now() / 1000));
    await send(app, 'customer.subscription.deleted', ended);
    await send(app, 'customer.subscription.deleted', ended);
    const notices = (await outboxRows(session.id)).filter((row) => row.kind === 'email' && row.subject.startsWith('access_ended:'));
    expect(notices.map((row) => row.subject)).toEqual([`access_ended:${session.id}`]);
  });
});

describe('per-period files (catalog periodFiles)', () => {
  const [month2, month3] = CLUB.periodFiles!;

  it('a paid renewal delivers its period’s file: the deliver hook and the order page list it, its link downloads; the next period’s file is not served yet', async () => {
    await putFile(CLUB.files![0]!.key, fileBytes(300), 'application/pdf');
    await putFile(month2!.key, fileBytes(200, 2), 'application/pdf');
    await putFile(month3!.key, fileBytes(100, 3), 'application/pdf');
    const app = testApp();
    const { session, subscription } = await subscribe(app);
    await send(app, 'customer.subscription.updated', subscriptionObject(subscription, 'active', Math.floor(Date.now() / 1000)));
    const names = async () => (await orderOf(app, session.id)).downloads.map((link) => link.name);
    expect(await names()).toEqual([CLUB.files![0]!.name]);

    await send(app, 'invoice.paid', invoice({ subscription }));
    const delivered = app.deliveries.find((request) => request.period);
    expect(delivered?.downloads.map((link) => link.name)).toEqual([CLUB.files![0]!.name, month2!.name]);
    expect(await names()).toEqual([CLUB.files![0]!.name, month2!.name]);

    const links = (await orderOf(app, session.id)).downloads;
    const download = await app.send(get(links[1]!.url));
    expect(download.status).toBe(200);
    expect(new Uint8Array(await download.arrayBuffer())).toEqual(fileBytes(200, 2));
    // The third month's file, through a link validly signed for this order: not served before its period is paid.
    const token = (await orderRow(session.id))!.delivery_token as string;
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const early = await app.send(get(downloadPath(token, month3!.key, expires, await signLink(DOWNLOAD_SECRET, { token, key: month3!.key, expires }))));
    expect(early.status).toBe(404);
    expect(await early.json()).toEqual({ error: 'this order has no such file' });
  });
});
