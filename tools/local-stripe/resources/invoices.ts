// Invoices: the first invoice of a subscription that Checkout starts, paid at once, and each
// renewal's (`subscription_cycle`), paid or failed. Since API 2025-03-31 an invoice names its
// payment only in `payments` (expand it): each an `invoice_payment` whose
// `payment.payment_intent` is the PaymentIntent that was charged.
import { invalid } from '../core/errors';
import { newId } from '../core/ids';
import { now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { capturePayment, failPayment } from './charges';

export interface InvoiceLine {
  price: StripeObject;
  quantity: number;
  /** The subscription item a recurring line bills; null for a one-time line. */
  subscriptionItem: string | null;
}

/** A paid invoice for `lines`: invoice.created, .finalized, the payment's events, invoice.paid, .payment_succeeded. */
export function payInvoice(store: Store, subscription: StripeObject, lines: InvoiceLine[], ctx: RequestContext): StripeObject {
  const invoice = openInvoice(store, subscription, lines, 'subscription_create', ctx);
  return settleInvoice(store, invoice, 'pay', ctx);
}

/**
 * An invoice for `lines`, finalized and open (invoice.created, .finalized): `billingReason`
 * `subscription_create` for Checkout's first, `subscription_cycle` for a renewal. Its subscription
 * lines bill the subscription's current period.
 */
export function openInvoice(store: Store, subscription: StripeObject, lines: InvoiceLine[], billingReason: 'subscription_create' | 'subscription_cycle', ctx: RequestContext): StripeObject {
  const created = ctx.created ?? now();
  const id = newId.invoice();
  const customer = store.find('customer', subscription.customer);
  const periodStart = billingReason === 'subscription_create' ? created : ((subscription.items.data[0]?.current_period_start as number | undefined) ?? created);
  const periodEnd = (subscription.items.data[0]?.current_period_end as number | undefined) ?? created;
  const lineObjects = lines.map((line) => {
    const amount = (line.price.unit_amount as number) * line.quantity;
    const product = store.find('product', line.price.product);
    return {
      id: newId.invoiceLine(),
      object: 'line_item',
      amount,
      currency: line.price.currency,
      description: `${line.quantity} × ${product?.name ?? line.price.id}`,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: id,
      livemode: false,
      metadata: {},
      parent: line.subscriptionItem
        ? { type: 'subscription_item_details', invoice_item_details: null, subscription_item_details: { invoice_item: null, proration: false, proration_details: { credited_items: null }, subscription: subscription.id, subscription_item: line.subscriptionItem } }
        : { type: 'invoice_item_details', invoice_item_details: { invoice_item: `ii_${id.slice(3)}`, proration: false, proration_details: { credited_items: null }, subscription: subscription.id }, subscription_item_details: null },
      period: line.subscriptionItem ? { start: periodStart, end: periodEnd } : { start: created, end: created },
      pretax_credit_amounts: [],
      pricing: { type: 'price_details', price_details: { price: line.price.id, product: line.price.product }, unit_amount_decimal: String(line.price.unit_amount) },
      quantity: line.quantity,
      subtotal: amount,
      taxes: [],
    };
  });
  const total = lineObjects.reduce((sum, line) => sum + line.amount, 0);
  const invoice: StripeObject = {
    ...store.fixture('invoice'),
    id,
    object: 'invoice',
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: 0,
    amount_remaining: total,
    attempt_count: 0,
    attempted: false,
    auto_advance: false,
    billing_reason: billingReason,
    collection_method: 'charge_automatically',
    created,
    currency: subscription.currency,
    customer: subscription.customer,
    customer_email: customer?.email ?? null,
    customer_name: customer?.name ?? null,
    due_date: null,
    effective_at: created,
    from_invoice: null,
    hosted_invoice_url: null,
    invoice_pdf: null,
    last_finalization_error: null,
    lines: { object: 'list', data: lineObjects, has_more: false, url: `/v1/invoices/${id}/lines` },
    livemode: false,
    metadata: {},
    next_payment_attempt: null,
    number: `${customer?.invoice_prefix ?? 'LOCAL'}-${String(store.all('invoice').filter((other) => other.customer === subscription.customer).length + 1).padStart(4, '0')}`,
    parent: { type: 'subscription_details', quote_details: null, subscription_details: { metadata: subscription.metadata, subscription: subscription.id } },
    period_end: created,
    period_start: created,
    status: 'draft',
    status_transitions: { finalized_at: null, marked_uncollectible_at: null, paid_at: null, voided_at: null },
    subtotal: total,
    subtotal_excluding_tax: total,
    total,
    total_excluding_tax: total,
  };
  store.put('invoice', invoice);
  store.recordEvent('invoice.created', invoice, ctx);
  invoice.status = 'open';
  invoice.status_transitions.finalized_at = created;
  store.recordEvent('invoice.finalized', invoice, ctx);
  return invoice;
}

/**
 * An open invoice's payment attempt. `pay`: a PaymentIntent that succeeds, the invoice paid
 * (invoice.paid, .payment_succeeded). `fail`: the card is declined, the invoice stays open
 * (invoice.payment_failed), as Stripe's first failed renewal attempt leaves it.
 */
export function settleInvoice(store: Store, invoice: StripeObject, outcome: 'pay' | 'fail', ctx: RequestContext): StripeObject {
  if (invoice.status !== 'open') throw invalid(`Invoice ${invoice.id} is ${invoice.status}: only an open invoice can be paid.`);
  const created = ctx.created ?? now();
  const id = invoice.id as string;
  const total = invoice.amount_remaining as number;
  const payment = { amount: total, currency: invoice.currency, customer: invoice.customer, description: invoice.billing_reason === 'subscription_create' ? 'Subscription creation' : 'Subscription update' };
  invoice.attempt_count = (invoice.attempt_count as number) + 1;
  invoice.attempted = true;
  if (outcome === 'fail') {
    const intent = failPayment(store, payment, ctx);
    store.invoicePayments.set(id, [...(store.invoicePayments.get(id) ?? []), invoicePayment(id, intent.id, total, invoice.currency, 'open', created)]);
    invoice.next_payment_attempt = created + 3 * 24 * 60 * 60;
    store.recordEvent('invoice.payment_failed', invoice, ctx);
    return invoice;
  }
  const intent = capturePayment(store, payment, ctx);
  const earlier = (store.invoicePayments.get(id) ?? []).map((entry) => ({ ...entry, is_default: false, status: 'canceled' }));
  store.invoicePayments.set(id, [...earlier, invoicePayment(id, intent.id, total, invoice.currency, 'paid', created)]);
  invoice.status = 'paid';
  invoice.amount_paid = total;
  invoice.amount_remaining = 0;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = created;
  store.recordEvent('invoice.paid', invoice, ctx);
  store.recordEvent('invoice.payment_succeeded', invoice, ctx);
  return invoice;
}

function invoicePayment(invoice: string, paymentIntent: string, amount: number, currency: string, status: 'open' | 'paid', created: number): StripeObject {
  return {
    id: newId.invoicePayment(),
    object: 'invoice_payment',
    amount_paid: status === 'paid' ? amount : null,
    amount_requested: amount,
    created,
    currency,
    invoice,
    is_default: true,
    livemode: false,
    payment: { type: 'payment_intent', payment_intent: paymentIntent },
    status,
    status_transitions: { canceled_at: null, paid_at: status === 'paid' ? created : null },
  };
}

/** `expand[]=payments` on an invoice. */
export function invoicePaymentList(store: Store, invoiceId: string): StripeObject {
  const data = store.invoicePayments.get(invoiceId) ?? [];
  return { object: 'list', data, has_more: false, url: `/v1/invoice_payments?invoice=${invoiceId}` };
}
