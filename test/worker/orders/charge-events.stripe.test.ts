// Refunds and disputes of orders paid through Stripe's objects as the local Stripe makes them:
// a subscription-mode order is paid by its first invoice, whose PaymentIntent (named only in
// the invoice's `payments` since API 2025-03-31) is what a refund's charge reports.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { bodyOf, orderRow, testApp } from '../support/app';
import { newBuyer } from '../support/buyer';
import { fileBytes, get, PDF_KEY, putFile } from '../delivery/support';
import { onSale, stripe, withStripe, startCheckout } from '../support/on-sale';
import { delivery, event } from '../support/stripe';

/** A cart of a subscription and a one-time product, checked out and paid on the local Stripe's hosted page; no webhook sent yet. */
async function subscriptionCartPaidOnStripe(app: ReturnType<typeof testApp>) {
  const { price: monthly } = await onSale(app, { recurring: true, amount: 500, catalogId: 'field-notes' });
  const { price: once } = await onSale(app, { amount: 2400, catalogId: 'trail-map-print' });
  const buyer = await newBuyer();
  const sessionId = await startCheckout(app, { items: [{ price: monthly.id, quantity: 1 }, { price: once.id, quantity: 1 }], clientReferenceId: buyer.id });
  const completion = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const session = (await completion.json()) as Stripe.Checkout.Session;
  expect(session).toMatchObject({ mode: 'subscription', payment_status: 'paid', payment_intent: null });
  expect(session.invoice).toMatch(/^in_/);
  return session;
}

/** The same cart, with Stripe's checkout.session.completed delivered. */
async function paidSubscriptionCart(app: ReturnType<typeof testApp>) {
  const session = await subscriptionCartPaidOnStripe(app);
  expect((await app.send(await delivery(event('checkout.session.completed', session)), withStripe())).status).toBe(200);
  return session;
}

/** Refunds the invoice's charge in full on the local Stripe and delivers its charge.refunded. */
async function refundInvoiceCharge(app: ReturnType<typeof testApp>, session: Stripe.Checkout.Session) {
  const invoice = await stripe.invoices.retrieve(String(session.invoice), { expand: ['payments'] });
  const intent = await stripe.paymentIntents.retrieve(String(invoice.payments?.data[0]?.payment.payment_intent));
  await stripe.refunds.create({ charge: String(intent.latest_charge) });
  const refunded = await latest('charge.refunded');
  expect(refunded.data.object).toMatchObject({ id: intent.latest_charge, payment_intent: intent.id, refunded: true });
  expect((await app.send(await delivery(refunded), withStripe())).status).toBe(200);
}

/** The newest event of `type` the local Stripe recorded, as it would deliver it. */
async function latest(type: string) {
  const [found] = (await stripe.events.list({ type, limit: 1 })).data;
  if (!found) throw new Error(`no ${type} event`);
  return found;
}

describe('a subscription-mode order, paid through its first invoice', () => {
  it('records the invoice’s PaymentIntent on the order', async () => {
    const app = testApp();
    const session = await paidSubscriptionCart(app);
    const invoice = await stripe.invoices.retrieve(String(session.invoice), { expand: ['payments'] });
    const paidBy = invoice.payments?.data[0]?.payment.payment_intent;
    expect(paidBy).toMatch(/^pi_/);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', payment_intent: paidBy, subscription: session.subscription });
  });

  it('a full refund of the invoice’s charge revokes the order', async () => {
    const app = testApp();
    const session = await paidSubscriptionCart(app);
    await refundInvoiceCharge(app, session);
    expect(await orderRow(session.id)).toMatchObject({ status: 'refunded' });
    expect(app.revocations.map((revocation) => revocation.order.id)).toEqual([session.id]);
  });

  it('recorded by the success page before its webhook: the order knows the invoice’s PaymentIntent, and a full refund revokes it and its files', async () => {
    await putFile(PDF_KEY, fileBytes(2000), 'application/pdf');
    const app = testApp();
    const session = await subscriptionCartPaidOnStripe(app);
    // The buyer's success page asks before Stripe's webhook arrives: the order is recorded from Stripe.
    const landed = await bodyOf(app.client(withStripe()).api.orders[':sessionId'].$get({ param: { sessionId: session.id } }, { headers: { 'cf-connecting-ip': '198.51.100.21' } }));
    expect(landed.status).toBe('fulfilled');
    const file = landed.downloads.find((link) => link.url.includes(PDF_KEY));
    expect((await app.send(get(file!.url), withStripe())).status).toBe(200);
    // Then the webhook, which finds the order fulfilled already, and the refund.
    expect((await app.send(await delivery(event('checkout.session.completed', session)), withStripe())).status).toBe(200);
    await refundInvoiceCharge(app, session);
    expect(await orderRow(session.id)).toMatchObject({ status: 'refunded', revoked_at: expect.any(Number) });
    expect(app.revocations.map((revocation) => revocation.order.id)).toEqual([session.id]);
    expect((await app.send(get(file!.url), withStripe())).status).toBe(410);
  });

  it('a dispute of the invoice’s charge revokes the order', async () => {
    const app = testApp();
    const session = await paidSubscriptionCart(app);
    const invoice = await stripe.invoices.retrieve(String(session.invoice), { expand: ['payments'] });
    const intent = await stripe.paymentIntents.retrieve(String(invoice.payments?.data[0]?.payment.payment_intent));
    const disputed = await fetch(`${env.FAKE_STRIPE_URL}/__fake/charges/${intent.latest_charge}/dispute`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(disputed.status).toBe(200);
    expect((await app.send(await delivery(await latest('charge.dispute.created')), withStripe())).status).toBe(200);
    expect(await orderRow(session.id)).toMatchObject({ status: 'disputed' });
  });
});
