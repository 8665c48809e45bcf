// A renewal as the local Stripe makes it: its invoice.paid event does not carry the invoice's
// payments (Stripe includes them only when expanded), so the worker reads the PaymentIntent from
// Stripe; a refund of that renewal's charge then finds the subscription order through it.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { adminApi } from '../support/back-office';
import { bodyOf, orderRow, testApp } from '../support/app';
import { newBuyer } from '../support/buyer';
import { onSale, startCheckout, stripe, withStripe } from '../support/on-sale';
import { delivery } from '../support/stripe';

type App = ReturnType<typeof testApp>;

/** The local Stripe's newest event of `type` whose object `matches`, as it would deliver it. */
async function eventOf(type: string, matches: (object: Record<string, unknown>) => boolean) {
  const found = (await stripe.events.list({ type, limit: 100 })).data.find((candidate) => matches(candidate.data.object as unknown as Record<string, unknown>));
  if (!found) throw new Error(`no ${type} event`);
  return found;
}

/** A subscription bought and paid on the local Stripe's checkout, its checkout.session.completed delivered. */
async function subscribed(app: App) {
  const { price } = await onSale(app, { recurring: true, amount: 500, catalogId: 'field-notes-club' });
  const buyer = await newBuyer();
  const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId: buyer.id });
  const completion = await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  const session = (await completion.json()) as Stripe.Checkout.Session;
  const completed = await eventOf('checkout.session.completed', (object) => object.id === session.id);
  expect((await app.send(await delivery(completed), withStripe())).status).toBe(200);
  return session;
}

describe('a renewal made by the local Stripe', () => {
  it('invoice.paid without its payments: the period records the PaymentIntent read from Stripe, and a refund of that charge is recorded against the period and finds the order', async () => {
    const app = testApp();
    const session = await subscribed(app);
    const renewed = await fetch(`${env.FAKE_STRIPE_URL}/__fake/subscriptions/${session.subscription}/renew`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    const { invoice } = (await renewed.json()) as { invoice: Stripe.Invoice };
    const paid = await eventOf('invoice.paid', (object) => object.id === invoice.id);
    expect((paid.data.object as Stripe.Invoice).payments).toBeUndefined();
    expect((await app.send(await delivery(paid), withStripe())).status).toBe(200);

    const read = await stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
    const paymentIntent = String(read.payments?.data[0]?.payment.payment_intent);
    const detail = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(detail.periods).toEqual([expect.objectContaining({ invoice: invoice.id, first: false, status: 'paid', amountPaid: 500, paymentIntent })]);

    const intent = await stripe.paymentIntents.retrieve(paymentIntent);
    await stripe.refunds.create({ charge: String(intent.latest_charge) });
    const refunded = await eventOf('charge.refunded', (object) => object.payment_intent === paymentIntent);
    expect((await app.send(await delivery(refunded), withStripe())).status).toBe(200);

    const after = await bodyOf(adminApi(app).orders[':id'].$get({ param: { id: session.id } }));
    expect(after.periods).toEqual([expect.objectContaining({ invoice: invoice.id, moneyStatus: 'refunded', amountRefunded: 500 })]);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled', amount_refunded: 0 });
    const found = await bodyOf(adminApi(app).orders.$get({ query: { q: paymentIntent } }));
    expect(found.orders.map((order) => order.id)).toEqual([session.id]);
  });
});
