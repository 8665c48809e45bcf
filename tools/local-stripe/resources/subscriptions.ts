// Subscriptions: create, retrieve, update (items, cancel_at_period_end), cancel, list.
import { invalid, missingParam, noSuch } from '../core/errors';
import { newId } from '../core/ids';
import { applyMetadata, array, bool, int, nullable, obj, oneOf, previousAttributes, requiredStr, str } from '../core/params';
import { clone, now, type Store } from '../core/store';
import type { RequestContext, StripeObject } from '../core/types';
import { openInvoice, settleInvoice } from './invoices';

function addInterval(seconds: number, interval: string, count: number): number {
  const date = new Date(seconds * 1000);
  if (interval === 'day') date.setUTCDate(date.getUTCDate() + count);
  else if (interval === 'week') date.setUTCDate(date.getUTCDate() + 7 * count);
  else if (interval === 'month') date.setUTCMonth(date.getUTCMonth() + count);
  else date.setUTCFullYear(date.getUTCFullYear() + count);
  return Math.floor(date.getTime() / 1000);
}

function subscriptionItem(store: Store, subscriptionId: string, price: StripeObject, quantity: number, created: number, metadata: Record<string, string> = {}): StripeObject {
  const recurring = price.recurring as StripeObject;
  return {
    ...store.fixture('subscription_item'),
    id: newId.subscriptionItem(),
    object: 'subscription_item',
    billing_thresholds: null,
    created,
    current_period_start: created,
    current_period_end: addInterval(created, recurring.interval, recurring.interval_count ?? 1),
    discounts: [],
    metadata,
    plan: {
      id: price.id,
      object: 'plan',
      active: price.active,
      amount: price.unit_amount,
      amount_decimal: price.unit_amount_decimal,
      billing_scheme: 'per_unit',
      created: price.created,
      currency: price.currency,
      interval: recurring.interval,
      interval_count: recurring.interval_count ?? 1,
      livemode: false,
      metadata: clone(price.metadata),
      meter: null,
      nickname: price.nickname,
      product: price.product,
      tiers_mode: null,
      transform_usage: null,
      trial_period_days: null,
      usage_type: recurring.usage_type ?? 'licensed',
    },
    price: clone(price),
    quantity,
    subscription: subscriptionId,
    tax_rates: [],
  };
}

function recurringPrice(store: Store, id: string, param: string, allowInactive = false): StripeObject {
  const price = store.must('price', id, param, 400);
  if (price.type !== 'recurring') {
    throw invalid(`The price specified is set to \`type=one_time\` but this field only accepts prices with \`type=recurring\`.`, param);
  }
  if (!price.active && !allowInactive) throw invalid('The price specified is inactive. This field only accepts active prices.', param);
  return price;
}

export function createSubscription(store: Store, params: StripeObject, ctx: RequestContext, extra: { metadata?: Record<string, string>; fromCheckout?: boolean } = {}): StripeObject {
  const customerId = requiredStr(params, 'customer');
  if (store.deletedCustomers.has(customerId)) throw noSuch('customer', customerId, 'customer', 400);
  store.must('customer', customerId, 'customer', 400);
  const items = array(params, 'items');
  if (!items || items.length === 0) throw missingParam('items');
  const id = newId.subscription();
  const created = ctx.created ?? now();
  const subscriptionItems = items.map((raw, index) => {
    const item = raw as StripeObject;
    const price = recurringPrice(store, requiredStr(item, 'price', `items[${index}][price]`), `items[${index}][price]`, extra.fromCheckout);
    const quantity = int(item, 'quantity', `items[${index}][quantity]`) ?? 1;
    return subscriptionItem(store, id, price, quantity, created, applyMetadata({}, item, `items[${index}][metadata]`));
  });
  const currencies = new Set(subscriptionItems.map((i) => i.price.currency));
  if (currencies.size > 1) throw invalid('The currency of all prices in a subscription must match.', 'items');
  const cancelAtPeriodEnd = bool(params, 'cancel_at_period_end') ?? false;
  const periodEnd = subscriptionItems[0]!.current_period_end as number;
  const subscription: StripeObject = {
    ...store.fixture('subscription'),
    id,
    object: 'subscription',
    billing_cycle_anchor: created,
    billing_cycle_anchor_config: null,
    billing_schedules: [],
    billing_thresholds: null,
    cancel_at: cancelAtPeriodEnd ? periodEnd : null,
    cancel_at_period_end: cancelAtPeriodEnd,
    canceled_at: cancelAtPeriodEnd ? created : null,
    cancellation_details: { comment: null, feedback: null, reason: cancelAtPeriodEnd ? 'cancellation_requested' : null },
    created,
    currency: subscriptionItems[0]!.price.currency,
    customer: customerId,
    description: nullable(str(params, 'description')) ?? null,
    ended_at: null,
    items: { object: 'list', data: subscriptionItems, has_more: false, total_count: subscriptionItems.length, url: `/v1/subscription_items?subscription=${id}` },
    latest_invoice: null,
    livemode: false,
    metadata: { ...(extra.metadata ?? {}), ...applyMetadata({}, params) },
    next_pending_invoice_item_invoice: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_update: null,
    start_date: created,
    status: 'active',
    transfer_data: null,
    trial_end: null,
    trial_start: null,
  };
  store.put('subscription', subscription);
  store.recordEvent('customer.subscription.created', subscription, ctx);
  return subscription;
}

export function updateSubscription(store: Store, id: string, params: StripeObject, ctx: RequestContext): StripeObject {
  const subscription = store.must('subscription', id);
  const before = clone(subscription);
  if (subscription.status === 'canceled') {
    const allowed = new Set(['metadata', 'cancellation_details', 'expand']);
    if (Object.keys(params).some((k) => !allowed.has(k))) throw invalid('A canceled subscription can only update its cancellation_details and metadata.');
  }
  const at = now();
  const cancelAtPeriodEnd = bool(params, 'cancel_at_period_end');
  if (cancelAtPeriodEnd !== undefined) {
    subscription.cancel_at_period_end = cancelAtPeriodEnd;
    subscription.cancel_at = cancelAtPeriodEnd ? subscription.items.data[0]?.current_period_end ?? null : null;
    subscription.canceled_at = cancelAtPeriodEnd ? at : null;
    subscription.cancellation_details = { ...subscription.cancellation_details, reason: cancelAtPeriodEnd ? 'cancellation_requested' : null };
  }
  const description = str(params, 'description');
  if (description !== undefined) subscription.description = nullable(description);
  if (params.pause_collection === '') subscription.pause_collection = null;
  else if (params.pause_collection !== undefined) {
    const pause = obj(params, 'pause_collection')!;
    const behavior = oneOf(requiredStr(pause, 'behavior', 'pause_collection[behavior]'), ['keep_as_draft', 'mark_uncollectible', 'void'] as const, 'pause_collection[behavior]');
    subscription.pause_collection = { behavior, resumes_at: int(pause, 'resumes_at', 'pause_collection[resumes_at]') ?? null };
  }
  const items = array(params, 'items');
  if (items) {
    const data = subscription.items.data as StripeObject[];
    items.forEach((raw, index) => {
      const item = raw as StripeObject;
      const param = (name: string) => `items[${index}][${name}]`;
      const itemId = str(item, 'id', param('id'));
      const existing = itemId ? data.find((d) => d.id === itemId) : undefined;
      if (itemId && !existing) throw invalid(`No such subscription item: '${itemId}'`, param('id'), 'resource_missing');
      if (existing && bool(item, 'deleted', param('deleted'))) {
        data.splice(data.indexOf(existing), 1);
        return;
      }
      const priceId = str(item, 'price', param('price'));
      const quantity = int(item, 'quantity', param('quantity'));
      if (existing) {
        if (priceId) {
          const price = recurringPrice(store, priceId, param('price'));
          const replacement = subscriptionItem(store, id, price, quantity ?? existing.quantity, existing.created, existing.metadata);
          replacement.id = existing.id;
          replacement.current_period_start = existing.current_period_start;
          replacement.current_period_end = existing.current_period_end;
          data[data.indexOf(existing)] = replacement;
        } else if (quantity !== undefined) existing.quantity = quantity;
        if (item.metadata !== undefined) (data.find((d) => d.id === existing.id) as StripeObject).metadata = applyMetadata(existing.metadata, item, param('metadata'));
      } else {
        if (!priceId) throw missingParam(param('price'));
        data.push(subscriptionItem(store, id, recurringPrice(store, priceId, param('price')), quantity ?? 1, at, applyMetadata({}, item, param('metadata'))));
      }
    });
    if (data.length === 0) throw invalid('A subscription must have at least one active plan.', 'items');
    subscription.items.total_count = data.length;
  }
  subscription.metadata = applyMetadata(subscription.metadata ?? {}, params);
  const previous = previousAttributes(before, subscription);
  if (Object.keys(previous).length) store.recordEvent('customer.subscription.updated', subscription, ctx, previous);
  return subscription;
}

export function cancelSubscription(store: Store, id: string, params: StripeObject, ctx: RequestContext): StripeObject {
  const subscription = store.must('subscription', id);
  if (subscription.status === 'canceled') throw invalid(`This subscription has already been canceled.`);
  const at = now();
  subscription.status = 'canceled';
  subscription.canceled_at = at;
  subscription.ended_at = at;
  subscription.cancel_at = null;
  subscription.cancel_at_period_end = false;
  const details = obj(params, 'cancellation_details');
  subscription.cancellation_details = {
    comment: details ? nullable(str(details, 'comment')) ?? null : null,
    feedback: details ? nullable(str(details, 'feedback')) ?? null : null,
    reason: 'cancellation_requested',
  };
  store.recordEvent('customer.subscription.deleted', subscription, ctx);
  return subscription;
}

export function listSubscriptions(store: Store, params: StripeObject) {
  const status = oneOf(
    str(params, 'status'),
    ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'] as const,
    'status',
  );
  const customer = str(params, 'customer');
  const price = str(params, 'price');
  return store.list('subscription', params, (s) => {
    const statusOk =
      status === 'all' ? true : status === 'ended' ? s.status === 'canceled' || s.status === 'incomplete_expired' : status ? s.status === status : s.status !== 'canceled' && s.status !== 'incomplete_expired';
    return statusOk && (customer === undefined || s.customer === customer) && (price === undefined || (s.items.data as StripeObject[]).some((i) => i.price.id === price));
  });
}

/**
 * The subscription's next billing cycle, as Stripe runs it when a period ends: the period advances
 * (customer.subscription.updated), a `subscription_cycle` invoice for it is made and charged —
 * `pay`: invoice.paid, the subscription active; `fail`: invoice.payment_failed, the subscription
 * past_due. A past_due subscription whose latest invoice is still open is retried instead: `pay`
 * settles that invoice and makes it active again, without advancing another period.
 */
export function renewSubscription(store: Store, id: string, outcome: 'pay' | 'fail', ctx: RequestContext): { subscription: StripeObject; invoice: StripeObject } {
  const subscription = store.must('subscription', id);
  if (!['active', 'past_due', 'trialing'].includes(subscription.status)) throw invalid(`This subscription is ${subscription.status}: only an active or past_due subscription renews.`);
  if (subscription.pause_collection) throw invalid('This subscription\'s payment collection is paused: resume it to renew.');
  const recordChange = (before: StripeObject) => {
    const previous = previousAttributes(before, subscription);
    if (Object.keys(previous).length) store.recordEvent('customer.subscription.updated', subscription, ctx, previous);
  };
  const open = subscription.latest_invoice ? store.find('invoice', subscription.latest_invoice) : undefined;
  let invoice: StripeObject;
  if (subscription.status === 'past_due' && open?.status === 'open') {
    invoice = settleInvoice(store, open, outcome, ctx);
  } else {
    // As on Stripe, the period advances first; the cycle's invoice bills the new period.
    const before = clone(subscription);
    for (const item of subscription.items.data as StripeObject[]) {
      const interval = item.price.recurring as StripeObject;
      item.current_period_start = item.current_period_end;
      item.current_period_end = addInterval(item.current_period_end as number, interval.interval, interval.interval_count ?? 1);
    }
    recordChange(before);
    invoice = openInvoice(
      store,
      subscription,
      (subscription.items.data as StripeObject[]).map((item) => ({ price: item.price, quantity: item.quantity as number, subscriptionItem: item.id as string })),
      'subscription_cycle',
      ctx,
    );
    subscription.latest_invoice = invoice.id;
    invoice = settleInvoice(store, invoice, outcome, ctx);
  }
  const before = clone(subscription);
  subscription.status = outcome === 'pay' ? 'active' : 'past_due';
  recordChange(before);
  return { subscription, invoice };
}
