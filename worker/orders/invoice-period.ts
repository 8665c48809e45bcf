// What an invoice of a subscription says of one billing period: the subscription it bills (since
// API 2025-03-31 under `parent.subscription_details`), the service period of its subscription line
// (the invoice's own period_start/end are those of its pending items, not the period billed), what
// it asked and took, and the PaymentIntent that paid it (an invoice names it only in `payments`).
import type Stripe from 'stripe';
import type { Context } from '../platform/context';
import type { Period, PeriodStatus } from '../store/subscription-periods';
import { stripeClient } from '../stripe/client';
import { idOf } from '../stripe/expandable';

/** The invoice events the shop acts on, and the period status each records. */
export const INVOICE_NEWS = {
  'invoice.paid': 'paid',
  'invoice.payment_failed': 'failed',
  'invoice.payment_action_required': 'action_required',
} as const satisfies Record<string, PeriodStatus>;
export type InvoiceNews = keyof typeof INVOICE_NEWS;

/** The subscription an invoice bills, if it bills one. */
export function subscriptionOf(invoice: Stripe.Invoice): string | null {
  const details = invoice.parent?.subscription_details;
  if (details) return idOf(details.subscription);
  // Older API versions named it on the invoice itself.
  return idOf((invoice as unknown as { subscription?: string | { id: string } | null }).subscription ?? null);
}

/** The PaymentIntent in an invoice's `payments`, when expanded (the default payment first). */
export function paymentIntentIn(invoice: Stripe.Invoice): string | null {
  const payments = invoice.payments?.data ?? [];
  const payment = (payments.find((entry) => entry.is_default) ?? payments[0])?.payment;
  return payment?.type === 'payment_intent' ? idOf(payment.payment_intent ?? null) : null;
}

/** The period an invoice bills, with what `news` says of it; null for an invoice of no subscription. */
export function periodOf(invoice: Stripe.Invoice, news: InvoiceNews, paymentIntent: string | null): Period | null {
  const subscription = subscriptionOf(invoice);
  if (!subscription || typeof invoice.id !== 'string') return null;
  const status = INVOICE_NEWS[news];
  const line = invoice.lines?.data.find((entry) => entry.parent?.type === 'subscription_item_details') ?? invoice.lines?.data[0];
  const paidAt = invoice.status_transitions?.paid_at;
  return {
    invoiceId: invoice.id,
    subscription,
    billingReason: invoice.billing_reason ?? null,
    periodStart: line?.period?.start ?? invoice.period_start ?? null,
    periodEnd: line?.period?.end ?? invoice.period_end ?? null,
    amountDue: Math.max(0, invoice.amount_due ?? 0),
    amountPaid: status === 'paid' ? Math.max(0, invoice.amount_paid ?? 0) : 0,
    currency: invoice.currency ?? null,
    paymentIntent,
    status,
    paidAt: status === 'paid' && paidAt ? paidAt * 1000 : null,
  };
}

/**
 * The PaymentIntent that paid an invoice: from its `payments` when the event carries them, else
 * read from Stripe (a refund or dispute of that charge names only the PaymentIntent). Without a
 * Stripe key the worker cannot ask, and the period has none.
 */
export async function invoicePaymentIntent(invoice: Stripe.Invoice, { env }: Context): Promise<string | null> {
  const known = paymentIntentIn(invoice);
  if (known || typeof invoice.id !== 'string') return known;
  const stripe = await stripeClient(env);
  if (!stripe) return null;
  return paymentIntentIn(await stripe.invoices.retrieve(invoice.id, { expand: ['payments'] }));
}
