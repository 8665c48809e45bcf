import type Stripe from 'stripe';
import type { Context } from '../platform/context';
import { stripeClient } from '../stripe/client';
import { idOf } from '../stripe/expandable';

/**
 * The PaymentIntent that paid a session. A subscription-mode session names none: its first
 * invoice was paid, and since API 2025-03-31 an invoice names its payment only in `payments`.
 * Refunds and disputes report the charge's PaymentIntent, so the order must know it to be
 * revoked by them. Without a Stripe key the worker cannot ask, and the order has none.
 */
export async function paymentIntentOf(session: Stripe.Checkout.Session, { env }: Context): Promise<string | null> {
  const direct = idOf(session.payment_intent);
  const invoiceId = idOf(session.invoice);
  if (direct || session.mode !== 'subscription' || !invoiceId) return direct;
  const stripe = await stripeClient(env);
  if (!stripe) return null;
  const invoice = await stripe.invoices.retrieve(invoiceId, { expand: ['payments'] });
  const payments = invoice.payments?.data ?? [];
  const payment = (payments.find((entry) => entry.is_default) ?? payments[0])?.payment;
  return payment?.type === 'payment_intent' ? idOf(payment.payment_intent) : null;
}
