// Reads of mirrored subscriptions (migrations/0002, 0006) for deciding what a subscription
// order serves now (worker/delivery/subscription-access.ts). Read at request time, by primary
// key: the mirror follows Stripe both ways (a resumed subscription is active again), while
// the order's own status only moves forward.

/** A subscription as the access decision needs it. */
export interface SubscriptionState {
  /** Stripe's status; the mirror's CHECK keeps it to the statuses Stripe documents. */
  status: string;
  /** `customer.subscription.deleted` arrived: final. */
  deleted: boolean;
  /** When the period now being billed began (unix seconds); null if Stripe's object does not say. */
  currentPeriodStart: number | null;
}

export interface SubscriptionStateRow {
  status: string;
  deleted: number;
  current_period_start: number | null;
}

/**
 * The columns of a `SubscriptionStateRow` from `stripe_subscriptions` aliased `s`. Since API version
 * 2025-03-31 the period lives on each item (their latest start is the latest renewal); older
 * versions put it on the subscription itself.
 */
export const SUBSCRIPTION_STATE_COLUMNS = `s.status, s.deleted,
  coalesce(json_extract(s.raw, '$.current_period_start'),
           (SELECT max(json_extract(value, '$.current_period_start')) FROM json_each(s.raw, '$.items.data'))) AS current_period_start`;

export function subscriptionStateOf(row: SubscriptionStateRow): SubscriptionState {
  return { status: row.status, deleted: row.deleted === 1, currentPeriodStart: row.current_period_start };
}

/** The subscription as mirrored, or null while Stripe has not reported it. */
export async function findSubscriptionState(db: D1Database, subscriptionId: string): Promise<SubscriptionState | null> {
  const row = await db.prepare(`SELECT ${SUBSCRIPTION_STATE_COLUMNS} FROM stripe_subscriptions s WHERE s.id = ?`).bind(subscriptionId).first<SubscriptionStateRow>();
  return row ? subscriptionStateOf(row) : null;
}

/** An order that started a subscription, with the subscription as mirrored (null columns while Stripe has not reported it). */
export interface SubscriptionListRow {
  orderId: string;
  createdAt: number;
  customerEmail: string | null;
  clientReferenceId: string | null;
  subscription: string;
  status: string | null;
  cancelAtPeriodEnd: number | null;
  deleted: number | null;
  currentPeriodStart: number | null;
  currentPeriodEnd: number | null;
  customer: string | null;
}

/**
 * One page of the orders that started a subscription, older than `after`, newest first: through
 * the partial index orders_with_subscription (migrations/0013) and the mirror's primary key, so a
 * page reads its own rows only.
 */
export async function listSubscriptionOrders(db: D1Database, after: { at: number; id: string }, limit: number): Promise<SubscriptionListRow[]> {
  const { results } = await db
    .prepare(
      `SELECT o.id AS orderId, o.created_at AS createdAt, o.customer_email AS customerEmail, o.client_reference_id AS clientReferenceId,
              o.subscription AS subscription, s.status AS status, s.cancel_at_period_end AS cancelAtPeriodEnd, s.deleted AS deleted, s.customer AS customer,
              coalesce(json_extract(s.raw, '$.current_period_start'), (SELECT max(json_extract(value, '$.current_period_start')) FROM json_each(s.raw, '$.items.data'))) AS currentPeriodStart,
              coalesce(json_extract(s.raw, '$.current_period_end'), (SELECT max(json_extract(value, '$.current_period_end')) FROM json_each(s.raw, '$.items.data'))) AS currentPeriodEnd
       FROM orders o INDEXED BY orders_with_subscription
       LEFT JOIN stripe_subscriptions s ON s.id = o.subscription
       WHERE o.subscription IS NOT NULL AND (o.created_at, o.id) < (?1, ?2)
       ORDER BY o.created_at DESC, o.id DESC LIMIT ?3`,
    )
    .bind(after.at, after.id, limit)
    .all<SubscriptionListRow>();
  return results;
}
