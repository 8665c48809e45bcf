// Invoices: the first invoice of a subscription that Checkout starts, paid at once. Since API
// 2025-03-31 an invoice names its payment only in `payments` (expand it): each an
// `invoice_payment` whose `payment.payment_intent` is the PaymentIntent that was charged.
import { newId } from '../core/ids';
import { now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { capturePayment } from './charges';

export interface InvoiceLine {
  price: StripeObject;
  quantity: number;
  /** The subscription item a recurring line bills; null for a one-time line. */
  subscriptionItem: string | null;
}

/** A paid invoice for `lines`: invoice.created, .finalized, the payment's events, invoice.paid, .payment_succeeded. */
export function payInvoice(store: Store, subscription: StripeObject, lines: InvoiceLine[], ctx: RequestContext): StripeObject {
  const created = ctx.created ?? now();
  const id = newId.invoice();
  const customer = store.find('customer', subscription.customer);
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
      period: { start: created, end: line.subscriptionItem ? periodEnd : created },
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
    billing_reason: 'subscription_create',
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
    number: `${customer?.invoice_prefix ?? 'LOCAL'}-0001`,
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

  const intent = capturePayment(store, { amount: total, currency: invoice.currency, customer: invoice.customer, description: 'Subscription creation' }, ctx);
  store.invoicePayments.set(id, [
    {
      id: newId.invoicePayment(),
      object: 'invoice_payment',
      amount_paid: total,
      amount_requested: total,
      created,
      currency: invoice.currency,
      invoice: id,
      is_default: true,
      livemode: false,
      payment: { type: 'payment_intent', payment_intent: intent.id },
      status: 'paid',
      status_transitions: { canceled_at: null, paid_at: created },
    },
  ]);
  invoice.status = 'paid';
  invoice.amount_paid = total;
  invoice.amount_remaining = 0;
  invoice.attempt_count = 1;
  invoice.attempted = true;
  invoice.status_transitions.paid_at = created;
  store.recordEvent('invoice.paid', invoice, ctx);
  store.recordEvent('invoice.payment_succeeded', invoice, ctx);
  return invoice;
}

/** `expand[]=payments` on an invoice. */
export function invoicePaymentList(store: Store, invoiceId: string): StripeObject {
  const data = store.invoicePayments.get(invoiceId) ?? [];
  return { object: 'list', data, has_more: false, url: `/v1/invoice_payments?invoice=${invoiceId}` };
}
