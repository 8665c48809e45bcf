// A subscription order and the invoices of its periods, as Stripe's events carry them: shared by
// the renewal tests (invoice-events.test.ts) and the shuffled histories (order-states.test.ts).
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { expect } from 'vitest';
import { findProduct } from '../../../catalog';
import type { TestApp } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

export const CLUB = findProduct('field-notes-club')!;
export const DAY_S = 24 * 60 * 60;
export const alnum = () => crypto.randomUUID().replaceAll('-', '').slice(0, 14);
// Each event of a test is newer than the one before, as Stripe's `created` would be.
let eventClock = Math.floor(Date.now() / 1000) - 100_000;
export const nextCreated = () => ++eventClock;

/** A paid subscription-mode Checkout Session for the Field Notes Club, not delivered yet. */
export function subscriptionSession(currency = 'usd') {
  const subscription = `sub_${alnum()}`;
  const firstPaymentIntent = `pi_${alnum()}`;
  const email = `club-${alnum()}@example.com`;
  const session = checkoutSession({
    mode: 'subscription',
    subscription,
    payment_intent: firstPaymentIntent,
    metadata: { product_id: CLUB.id },
    amount_subtotal: CLUB.price.amount,
    amount_total: CLUB.price.amount,
    currency,
    customer_email: email,
    customer_details: { ...fixture<Stripe.Checkout.Session>('checkout.session').customer_details!, email },
  });
  return { session, subscription, firstPaymentIntent, email };
}

/** A paid subscription-mode Checkout Session for the Field Notes Club, recorded through the webhook. */
export async function subscribe(app: TestApp, currency = 'usd') {
  const subscribed = subscriptionSession(currency);
  expect((await app.send(await delivery(event('checkout.session.completed', subscribed.session, { created: nextCreated() })))).status).toBe(200);
  return subscribed;
}

export interface InvoiceOptions {
  subscription: string;
  billingReason?: 'subscription_create' | 'subscription_cycle';
  paymentIntent?: string | null;
  periodStart?: number;
  amount?: number;
  currency?: string;
  status?: 'paid' | 'open';
}

/** An invoice as Stripe's `invoice.*` events carry it (API 2026-10-28: the subscription under `parent`), its payments expanded. */
export function invoice({ subscription, billingReason = 'subscription_cycle', paymentIntent = `pi_${alnum()}`, periodStart = Math.floor(Date.now() / 1000), amount = CLUB.price.amount, currency = 'usd', status = 'paid' }: InvoiceOptions) {
  const base = fixture<Record<string, unknown>>('invoice');
  const id = `in_${alnum()}`;
  const paid = status === 'paid';
  const line = {
    ...((base.lines as { data: Record<string, unknown>[] }).data[0] ?? {}),
    id: `il_${alnum()}`,
    invoice: id,
    amount,
    currency,
    parent: { type: 'subscription_item_details', invoice_item_details: null, subscription_item_details: { invoice_item: null, proration: false, proration_details: { credited_items: null }, subscription, subscription_item: `si_${alnum()}` } },
    period: { start: periodStart, end: periodStart + 30 * DAY_S },
  };
  return {
    ...base,
    id,
    object: 'invoice',
    billing_reason: billingReason,
    status,
    currency,
    amount_due: amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid ? 0 : amount,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: {}, subscription } },
    lines: { object: 'list', data: [line], has_more: false, url: `/v1/invoices/${id}/lines` },
    status_transitions: { finalized_at: periodStart, marked_uncollectible_at: null, paid_at: paid ? periodStart : null, voided_at: null },
    payments: {
      object: 'list',
      has_more: false,
      url: `/v1/invoice_payments?invoice=${id}`,
      data: paymentIntent ? [{ id: `inpay_${alnum()}`, object: 'invoice_payment', invoice: id, is_default: true, amount_paid: paid ? amount : 0, payment: { type: 'payment_intent', payment_intent: paymentIntent }, status: paid ? 'paid' : 'open' }] : [],
    },
  };
}

/** The periods recorded for `subscription`, oldest first. */
export const periodRows = (subscription: string) =>
  env.DB.prepare('SELECT invoice_id, status, billing_reason, amount_paid, amount_refunded, money_status, payment_intent FROM subscription_periods WHERE subscription = ? ORDER BY period_start')
    .bind(subscription)
    .all<{ invoice_id: string; status: string; billing_reason: string; amount_paid: number; amount_refunded: number; money_status: string | null; payment_intent: string | null }>()
    .then((result) => result.results);
