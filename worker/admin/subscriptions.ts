// The back office's subscriptions: the orders that started one, with the mirror's view of each.
import type { AdminSubscription, AdminSubscriptionsQuery, AdminSubscriptionsResponse } from '../../contract/api';
import { ADMIN_PAGE_SIZE } from '../../contract/limits';
import { listSubscriptionOrders, type SubscriptionListRow } from '../store/subscriptions';
import { decodeCursor, nextCursor } from './views';

const isoOfSeconds = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000).toISOString());

export function adminSubscriptionView(row: SubscriptionListRow): AdminSubscription {
  return {
    id: row.subscription,
    orderId: row.orderId,
    customerEmail: row.customerEmail,
    clientReferenceId: row.clientReferenceId,
    startedAt: new Date(row.createdAt).toISOString(),
    status: row.status,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd === null ? null : row.cancelAtPeriodEnd === 1,
    ended: row.deleted === 1,
    currentPeriodStart: isoOfSeconds(row.currentPeriodStart),
    currentPeriodEnd: isoOfSeconds(row.currentPeriodEnd),
    customer: row.customer,
  };
}

export async function subscriptionsPage(db: D1Database, query: AdminSubscriptionsQuery): Promise<AdminSubscriptionsResponse> {
  const limit = query.limit ?? ADMIN_PAGE_SIZE;
  const rows = await listSubscriptionOrders(db, decodeCursor(query.cursor) ?? { at: Number.MAX_SAFE_INTEGER, id: '' }, limit);
  return { subscriptions: rows.map(adminSubscriptionView), next: nextCursor(rows, limit, (row) => ({ at: row.createdAt, id: row.orderId })) };
}
