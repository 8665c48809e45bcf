// The Stripe objects the shop mirrors into D1, one record per resource: its table, the row
// kept of an object, and how Stripe's API gives one object or a page of them. The webhook
// (an event's object, or the object refetched), the backfill (a page of the list) and a
// resync of one object all go through the same record (./sync.ts).
import type Stripe from 'stripe';
import type { SyncResource } from '../../contract/api';
import { replaceSubscriptionItems, type MirrorRow, type MirrorTable, type SubscriptionItemRow, type SyncVersion } from '../store/mirror';
import { idOf } from '../stripe/expandable';

export interface MirrorResource<T extends MirrorTable = MirrorTable, O extends { id: string } = { id: string }> {
  table: T;
  /** What the shop keeps of an object; `deleted`: the object is gone (final, see store/mirror.ts). */
  toRow(object: O, deleted: boolean): MirrorRow<T>;
  retrieve(stripe: Stripe, id: string): Promise<O>;
  list(stripe: Stripe, page: { limit: number; starting_after?: string }): Promise<Stripe.ApiList<O>>;
  /** A listed object that is as final as a deletion. */
  listedAsDeleted?(object: O): boolean;
  /** Rows of another table that go with the object's, in the same batch. */
  alsoWrites?(db: D1Database, object: O, version: SyncVersion): D1PreparedStatement[];
  /** Its changes change what the storefront shows: the live catalog is rebuilt. */
  changesCatalog?: boolean;
}

/** Checks that a record's parts agree on its table and its object. */
const resource = <T extends MirrorTable, O extends { id: string }>(record: MirrorResource<T, O>) => record;

export const MIRROR: Record<SyncResource, MirrorResource> = {
  products: resource({
    table: 'stripe_products',
    toRow: productRow,
    retrieve: (stripe, id) => stripe.products.retrieve(id),
    list: (stripe, page) => stripe.products.list(page),
    changesCatalog: true,
  }),
  prices: resource({
    table: 'stripe_prices',
    toRow: priceRow,
    retrieve: (stripe, id) => stripe.prices.retrieve(id),
    list: (stripe, page) => stripe.prices.list(page),
    changesCatalog: true,
  }),
  customers: resource<'stripe_customers', Stripe.Customer | Stripe.DeletedCustomer>({
    table: 'stripe_customers',
    toRow: customerRow,
    retrieve: (stripe, id) => stripe.customers.retrieve(id),
    list: (stripe, page) => stripe.customers.list(page),
  }),
  subscriptions: resource({
    table: 'stripe_subscriptions',
    toRow: subscriptionRow,
    retrieve: (stripe, id) => stripe.subscriptions.retrieve(id),
    // Canceled ones too: the buyer's portal still shows them.
    list: (stripe, page) => stripe.subscriptions.list({ ...page, status: 'all' }),
    // A canceled subscription is what a `deleted` event leaves.
    listedAsDeleted: (subscription) => subscription.status === 'canceled',
    // Its items, replaced only if this version of the subscription was taken.
    alsoWrites: (db, subscription, version) => replaceSubscriptionItems(db, subscription.id, subscriptionItems(subscription), version),
  }),
  // Payment Links are deactivated, never deleted.
  payment_links: resource({
    table: 'stripe_payment_links',
    toRow: paymentLinkRow,
    retrieve: (stripe, id) => stripe.paymentLinks.retrieve(id),
    list: (stripe, page) => stripe.paymentLinks.list(page),
  }),
};

// ─── the rows: pure, what the shop keeps of each object ─────────────────────

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
  const email = live?.email ?? null;
  const name = live?.name ?? null;
  // Nothing reads more of a customer than this: the rest (address, phone, payment settings) stays in Stripe.
  return { id: customer.id, email, name, deleted, raw: { id: customer.id, object: 'customer', email, name } };
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
