import { SUBSCRIPTION_STATE_COLUMNS, subscriptionStateOf, type SubscriptionState, type SubscriptionStateRow } from './subscriptions';
import { SERVES_ACCESS, sqlStatusList } from '../../contract/order-states';

/** The states that serve files and keys, as SQL (generated from the state table). */
const ACCESS = sqlStatusList(SERVES_ACCESS);

/** What the buyer's fulfilled orders hold; the caller decides what of it is served now (worker/delivery/subscription-access.ts). */
export interface Entitlements {
  /** A row per product bought in a fulfilled order (one-off or alongside a subscription), with the order's subscription. */
  orders: { orderId: string; productId: string | null; fulfilledAt: number | null; subscription: string | null }[];
  /** Each subscription a fulfilled order started, as mirrored (`state` null while Stripe has not reported it). */
  subscriptions: {
    subscriptionId: string;
    /** When its order was fulfilled (ms). */
    fulfilledAt: number;
    state: SubscriptionState | null;
    cancelAtPeriodEnd: boolean;
    products: { id: string; name: string | null }[];
  }[];
}

type SubscriptionRow = SubscriptionStateRow & { id: string; fulfilled_at: number; mirrored: string | null; cancel_at_period_end: number | null; product: string | null; name: string | null };

export async function entitlementsFor(db: D1Database, clientReferenceId: string): Promise<Entitlements> {
  const [orders, subscriptions] = await db.batch([
    db
      // One row per product bought: a cart's lines (mapped to the storefront's slugs), else the order's product.
      // `+o.status` keeps SQLite on the buyer's index, whatever index of status there is.
      .prepare(
        `SELECT DISTINCT o.id, coalesce(json_extract(sp.raw, '$.metadata.catalog_id'), li.product, o.product_id) AS product_id, o.fulfilled_at, o.subscription
         FROM orders o
         LEFT JOIN order_line_items li ON li.order_id = o.id
         LEFT JOIN stripe_products sp ON sp.id = li.product
         WHERE o.client_reference_id = ? AND +o.status IN (${ACCESS})
         ORDER BY o.created_at, o.id, li.position`,
      )
      .bind(clientReferenceId),
    db
      // Every subscription of the buyer's fulfilled orders, whatever its status: whether it is served is decided in one place.
      .prepare(
        `SELECT o.subscription AS id, coalesce(o.fulfilled_at, o.created_at) AS fulfilled_at, s.id AS mirrored, s.cancel_at_period_end,
                ${SUBSCRIPTION_STATE_COLUMNS}, i.product, p.name
         FROM orders o
         LEFT JOIN stripe_subscriptions s ON s.id = o.subscription
         LEFT JOIN stripe_subscription_items i ON i.subscription = s.id
         LEFT JOIN stripe_products p ON p.id = i.product
         WHERE o.client_reference_id = ?1 AND +o.status IN (${ACCESS}) AND o.subscription IS NOT NULL
         ORDER BY o.subscription, i.id`,
      )
      .bind(clientReferenceId),
  ]);
  const bySubscription = new Map<string, Entitlements['subscriptions'][number]>();
  for (const row of subscriptions!.results as SubscriptionRow[]) {
    let subscription = bySubscription.get(row.id);
    if (!subscription) {
      subscription = {
        subscriptionId: row.id,
        fulfilledAt: row.fulfilled_at,
        state: row.mirrored === null ? null : subscriptionStateOf(row),
        cancelAtPeriodEnd: row.cancel_at_period_end === 1,
        products: [],
      };
      bySubscription.set(row.id, subscription);
    }
    if (row.product) subscription.products.push({ id: row.product, name: row.name });
  }
  return {
    orders: (orders!.results as { id: string; product_id: string | null; fulfilled_at: number | null; subscription: string | null }[]).map((row) => ({
      orderId: row.id,
      productId: row.product_id,
      fulfilledAt: row.fulfilled_at,
      subscription: row.subscription,
    })),
    subscriptions: [...bySubscription.values()],
  };
}

/**
 * The Stripe customer of the buyer's latest subscription bought through Checkout (deleted ones
 * included: the portal still shows their invoices), or null when the buyer bought none.
 */
export async function subscriptionCustomerOf(db: D1Database, clientReferenceId: string): Promise<string | null> {
  const row = await db
    .prepare(
      `SELECT s.customer FROM orders o JOIN stripe_subscriptions s ON s.id = o.subscription
       WHERE o.client_reference_id = ? ORDER BY o.created_at DESC, o.id DESC LIMIT 1`,
    )
    .bind(clientReferenceId)
    .first<{ customer: string }>();
  return row?.customer ?? null;
}
