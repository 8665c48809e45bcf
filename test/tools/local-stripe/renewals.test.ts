// The local Stripe renews a subscription one period as Stripe does when a period ends: the period
// advances, a `subscription_cycle` invoice bills it and is charged (paid: a PaymentIntent and its
// charge, invoice.paid; declined: invoice.payment_failed and the subscription past_due; paying again
// settles that open invoice). Driven through the dashboard's forms and the /__fake control endpoint.
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { useLocalStripe } from '../support/local-stripe';

const local = useLocalStripe();
beforeEach(() => local.fake.setWebhook(null));

/** A Club membership bought through the hosted checkout: its subscription and first invoice. */
async function member() {
  const club = await local.stripe.products.create({ name: 'Club', default_price_data: { currency: 'usd', unit_amount: 500, recurring: { interval: 'month' } } });
  const session = await local.stripe.checkout.sessions.create({ mode: 'subscription', line_items: [{ price: String(club.default_price), quantity: 1 }], customer_email: 'member@example.com', success_url: 'http://127.0.0.1:9/s' });
  const completed = await local.fake.completeCheckoutSession(session.id);
  return { subscriptionId: String(completed.subscription), firstInvoice: String(completed.invoice) };
}

async function control(path: string, body: object = {}) {
  return fetch(`${local.fake.url}/__fake${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function act(action: string, fields: Record<string, string>) {
  const response = await fetch(`${local.fake.url}/dashboard/${action}`, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual', headers: { origin: local.fake.url } });
  return { status: response.status, location: decodeURIComponent(response.headers.get('location') ?? '') };
}

const eventsSince = (count: number) => local.fake.events().slice(count);

describe('renewing a subscription one period', () => {
  it('POST /__fake/subscriptions/:id/renew advances the period, then bills it with a paid subscription_cycle invoice whose PaymentIntent is in its payments', async () => {
    const { subscriptionId, firstInvoice } = await member();
    const before = await local.stripe.subscriptions.retrieve(subscriptionId);
    const item = before.items.data[0]!;
    const count = local.fake.events().length;

    const response = await control(`/subscriptions/${subscriptionId}/renew`);
    expect(response.status).toBe(200);
    const { invoice } = (await response.json()) as { invoice: Stripe.Invoice };

    const types = eventsSince(count).map((event) => event.type);
    expect(types).toEqual(['customer.subscription.updated', 'invoice.created', 'invoice.finalized', 'payment_intent.succeeded', 'charge.succeeded', 'invoice.paid', 'invoice.payment_succeeded']);
    const updated = eventsSince(count)[0]!.data.object as Stripe.Subscription;
    expect(updated.items.data[0]).toMatchObject({ current_period_start: item.current_period_end });
    expect(updated.items.data[0]!.current_period_end).toBeGreaterThan(item.current_period_end);

    const read = await local.stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
    expect(read.id).not.toBe(firstInvoice);
    expect(read).toMatchObject({ billing_reason: 'subscription_cycle', status: 'paid', amount_paid: 500, parent: { subscription_details: { subscription: subscriptionId } } });
    expect(read.lines.data[0]!.period).toEqual({ start: item.current_period_end, end: updated.items.data[0]!.current_period_end });
    const intent = await local.stripe.paymentIntents.retrieve(String(read.payments?.data[0]?.payment.payment_intent));
    expect(intent).toMatchObject({ status: 'succeeded', amount: 500 });
    expect(await local.stripe.charges.retrieve(String(intent.latest_charge))).toMatchObject({ paid: true, amount: 500, payment_intent: intent.id });
    expect(await local.stripe.subscriptions.retrieve(subscriptionId)).toMatchObject({ status: 'active', latest_invoice: invoice.id });
  });

  it('a failed renewal leaves the invoice open, sends invoice.payment_failed and makes the subscription past_due; renewing then settles that invoice without another period', async () => {
    const { subscriptionId } = await member();
    const count = local.fake.events().length;
    const failed = (await (await control(`/subscriptions/${subscriptionId}/renew`, { outcome: 'fail' })).json()) as { invoice: Stripe.Invoice; subscription: Stripe.Subscription };
    expect(eventsSince(count).map((event) => event.type)).toEqual([
      'customer.subscription.updated',
      'invoice.created',
      'invoice.finalized',
      'payment_intent.payment_failed',
      'invoice.payment_failed',
      'customer.subscription.updated',
    ]);
    expect(eventsSince(count).at(-1)!.data.object).toMatchObject({ status: 'past_due' });
    expect(failed.invoice).toMatchObject({ status: 'open', amount_paid: 0, attempt_count: 1, billing_reason: 'subscription_cycle' });
    const periodEnd = failed.subscription.items.data[0]!.current_period_end;

    const retry = eventsSince(0).length;
    const settled = (await (await control(`/subscriptions/${subscriptionId}/renew`)).json()) as { invoice: Stripe.Invoice; subscription: Stripe.Subscription };
    expect(eventsSince(retry).map((event) => event.type)).toEqual(['payment_intent.succeeded', 'charge.succeeded', 'invoice.paid', 'invoice.payment_succeeded', 'customer.subscription.updated']);
    expect(settled.invoice).toMatchObject({ id: failed.invoice.id, status: 'paid', amount_paid: 500, attempt_count: 2 });
    expect(settled.subscription).toMatchObject({ status: 'active' });
    expect(settled.subscription.items.data[0]!.current_period_end).toBe(periodEnd);
  });

  it('the dashboard’s Renew one period and Fail the renewal buttons do the same and say what happened', async () => {
    const { subscriptionId } = await member();
    const renewed = await act('renew', { subscription: subscriptionId });
    expect(renewed.status).toBe(303);
    expect(renewed.location).toMatch(new RegExp(`done=${subscriptionId} renewed: invoice in_\\w+ paid \\$5\\.00; the subscription is active\\.`));
    const failed = await act('fail-renewal', { subscription: subscriptionId });
    expect(failed.location).toMatch(/failed to renew: invoice in_\w+ open, payment failed; the subscription is past_due\./);
    const page = await (await fetch(`${local.fake.url}/`)).text();
    expect(page).toContain('3 invoices (2 paid)');
    expect(page).toContain('Renew one period');
  });

  it('refuses to renew a canceled subscription or an unknown outcome, changing nothing', async () => {
    const { subscriptionId } = await member();
    await local.stripe.subscriptions.cancel(subscriptionId);
    const count = local.fake.events().length;
    const canceled = await control(`/subscriptions/${subscriptionId}/renew`);
    expect(canceled.status).toBe(400);
    expect(await canceled.json()).toMatchObject({ error: { message: 'This subscription is canceled: only an active or past_due subscription renews.' } });
    const unknown = await control(`/subscriptions/${subscriptionId}/renew`, { outcome: 'maybe' });
    expect(unknown.status).toBe(400);
    expect(await control('/subscriptions/sub_missing/renew').then((response) => response.status)).toBe(404);
    expect(local.fake.events()).toHaveLength(count);
  });
});
