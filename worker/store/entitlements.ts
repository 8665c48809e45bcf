import type { EntitlementsResponse } from '../../contract/api';

export interface Entitlements {
  /** One-off purchases, fulfilled and not refunded or disputed: a row per product bought. */
  orders: { orderId: string; productId: string | null; fulfilledAt: number | null }[];
  /** Subscriptions bought through Checkout that are currently in force: as the contract answers them. */
  subscriptions: EntitlementsResponse['subscriptions'];
}

/** Subscription statuses under which the buyer keeps access (Stripe retries a past_due payment). */
const IN_FORCE = ['active', 'trialing', 'past_due'];

export async function entitlementsFor(db: D1Database, clientReferenceId: string): Promise<Entitlements> {
  const [orders, subscriptions] = await db.batch([
    db
      // One row per product bought: a cart's lines (mapped to the storefront's slugs), else the order's product.
      // `+o.status` keeps SQLite on the buyer's index: by status (orders_by_status_created) it would read every fulfilled order.
      .prepare(
        `SELECT DISTINCT o.id, coalesce(json_extract(sp.raw, '$.metadata.catalog_id'), li.product, o.product_id) AS product_id, o.fulfilled_at
         FROM orders o
         LEFT JOIN order_line_items li ON li.order_id = o.id
         LEFT JOIN stripe_products sp ON sp.id = li.product
         WHERE o.client_reference_id = ? AND +o.status = 'fulfilled' AND o.subscription IS NULL
         ORDER BY o.created_at, o.id, li.position`,
      )
      .bind(clientReferenceId),
    db
      .prepare(
        `SELECT s.id, s.status, s.cancel_at_period_end, i.product, p.name
         FROM orders o
         JOIN stripe_subscriptions s ON s.id = o.subscription
         LEFT JOIN stripe_subscription_items i ON i.subscription = s.id
         LEFT JOIN stripe_products p ON p.id = i.product
         WHERE o.client_reference_id = ?1 AND s.deleted = 0 AND s.status IN (SELECT value FROM json_each(?2))
         ORDER BY s.id, i.id`,
      )
      .bind(clientReferenceId, JSON.stringify(IN_FORCE)),
  ]);
  const bySubscription = new Map<string, Entitlements['subscriptions'][number]>();
  for (const row of subscriptions!.results as { id: string; status: string; cancel_at_period_end: number; product: string | null; name: string | null }[]) {
    let subscription = bySubscription.get(row.id);
    if (!subscription) {
      subscription = { subscriptionId: row.id, status: row.status, cancelAtPeriodEnd: row.cancel_at_period_end === 1, products: [] };
      bySubscription.set(row.id, subscription);
    }
    if (row.product) subscription.products.push({ id: row.product, name: row.name });
  }
  return {
    orders: (orders!.results as { id: string; product_id: string | null; fulfilled_at: number | null }[]).map((row) => ({
      orderId: row.id,
      productId: row.product_id,
      fulfilledAt: row.fulfilled_at,
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
