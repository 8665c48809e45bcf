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
