// Stripe objects → the mirror's rows. Pure: what the shop keeps of each object.
import type Stripe from 'stripe';
import type { MirrorRow, SubscriptionItemRow } from '../store/mirror';
import { idOf } from '../stripe/expandable';

const flag = (value: boolean | null | undefined) => (value ? 1 : 0);

export function productRow(product: Stripe.Product, deleted: boolean): MirrorRow<'stripe_products'> {
  return {
    id: product.id,
    active: flag(product.active && !deleted),
    name: product.name ?? '',
    description: product.description ?? null,
    default_price: idOf(product.default_price),
    deleted,
    raw: product,
  };
}

export function priceRow(price: Stripe.Price, deleted: boolean): MirrorRow<'stripe_prices'> {
  return {
    id: price.id,
    product: idOf(price.product) ?? '',
    active: flag(price.active && !deleted),
    currency: price.currency,
    unit_amount: price.unit_amount ?? null,
    type: price.type,
    recurring_interval: price.recurring?.interval ?? null,
    deleted,
    raw: price,
  };
}

export function customerRow(customer: Stripe.Customer | Stripe.DeletedCustomer, deleted: boolean): MirrorRow<'stripe_customers'> {
  const live = 'email' in customer ? customer : undefined;
  return { id: customer.id, email: live?.email ?? null, name: live?.name ?? null, deleted, raw: customer };
}

export function subscriptionRow(subscription: Stripe.Subscription, deleted: boolean): MirrorRow<'stripe_subscriptions'> {
  return {
    id: subscription.id,
    customer: idOf(subscription.customer) ?? '',
    status: subscription.status,
    cancel_at_period_end: flag(subscription.cancel_at_period_end),
    deleted,
    raw: subscription,
  };
}

export function subscriptionItems(subscription: Stripe.Subscription): SubscriptionItemRow[] {
  return (subscription.items?.data ?? []).map((item) => ({
    id: item.id,
    price: item.price.id,
    product: idOf(item.price.product) ?? '',
    quantity: item.quantity ?? null,
  }));
}

export function paymentLinkRow(link: Stripe.PaymentLink, deleted: boolean): MirrorRow<'stripe_payment_links'> {
  return { id: link.id, active: flag(link.active && !deleted), url: link.url, deleted, raw: link };
}
