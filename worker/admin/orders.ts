// The back office's orders: a page, a search, the totals, one order in full.
import type { AdminOrderDetail, AdminOrdersQuery, AdminOrdersResponse, SalesTotals } from '../../contract/api';
import { ADMIN_PAGE_SIZE } from '../../contract/limits';
import { actionsOn } from '../store/admin-actions';
import { findBuyerDetails } from '../store/buyer-details';
import { downloadCountsOf } from '../store/downloads';
import { keysOfOrder } from '../store/licences';
import { eventsOfOrder } from '../store/ledger';
import { findLineItems, findOrder, lineItemsOfOrders, listOrders, salesSince, searchOrders, type Order } from '../store/orders';
import { emailsOfOrder, outboxOfOrder } from '../store/outbox';
import { periodsOfSubscription } from '../store/subscription-periods';
import { Refusal } from '../platform/refusal';
import { canTransition, servesAccess } from '../../contract/order-states';
import { REFUNDABLE } from './refund';
import { adminOrderView, classifySearch, decodeCursor, isoOrNull, ledgerEventView, nextCursor, totalsWindows } from './views';

export async function ordersPage(db: D1Database, query: AdminOrdersQuery): Promise<AdminOrdersResponse> {
  const limit = query.limit ?? ADMIN_PAGE_SIZE;
  if (query.q !== undefined) {
    const search = classifySearch(query.q);
    if (!search) throw new Refusal(400, 'q must be a Checkout Session id, a payment intent (pi_…), an email or a client reference id');
    const rows = (await searchOrders(db, search, limit)).filter((row) => !query.status || row.status === query.status);
    return { orders: await withLines(db, rows), next: null };
  }
  const rows = await listOrders(db, { ...(query.status ? { status: query.status } : {}), after: decodeCursor(query.cursor), limit });
  return { orders: await withLines(db, rows), next: nextCursor(rows, limit, (row) => ({ at: row.createdAt, id: row.id })) };
}

/** A page's orders with their lines, read in one statement for the whole page. */
async function withLines(db: D1Database, rows: Order[]) {
  const lines = await lineItemsOfOrders(db, rows.map((row) => row.id));
  return rows.map((row) => adminOrderView(row, lines.get(row.id) ?? []));
}

export async function salesTotals(db: D1Database, now: number): Promise<SalesTotals> {
  const since = totalsWindows(now);
  const [today, last7Days, last30Days] = await Promise.all([salesSince(db, since.today), salesSince(db, since.last7Days), salesSince(db, since.last30Days)]);
  return { today, last7Days, last30Days };
}

export async function orderDetail(db: D1Database, id: string): Promise<AdminOrderDetail> {
  const row = await findOrder(db, id);
  if (!row) throw new Refusal(404, 'order not found');
  const [lineItems, events, actions, outbox, buyer, licenceKeys, downloadCounts, emails, periods] = await Promise.all([
    findLineItems(db, id),
    eventsOfOrder(db, id, row.paymentIntent),
    actionsOn(db, id),
    outboxOfOrder(db, id),
    findBuyerDetails(db, id),
    keysOfOrder(db, id),
    downloadCountsOf(db, id),
    emailsOfOrder(db, id),
    row.subscription ? periodsOfSubscription(db, row.subscription) : [],
  ]);
  const deliveryDead = outbox.some((o) => o.kind === 'delivered' && o.status === 'dead');
  return {
    order: { ...adminOrderView(row, lineItems), deliveryToken: row.deliveryToken, fulfilledAt: isoOrNull(row.fulfilledAt), revokedAt: isoOrNull(row.revokedAt) },
    discount: row.amountDiscount ? { amount: row.amountDiscount, promotionCode: row.promotionCode, coupon: row.coupon } : null,
    shipping: buyer?.shipping ?? null,
    phone: buyer?.phone ?? null,
    shipment: row.shippedAt === null ? null : { carrier: row.shippingCarrier, trackingNumber: row.trackingNumber, shippedAt: isoOrNull(row.shippedAt) },
    lineItems,
    licenceKeys,
    downloadCounts: downloadCounts.map((row) => ({ file: row.file, count: row.count, lastAt: new Date(row.lastAt).toISOString() })),
    events: events.map(ledgerEventView),
    actions: actions.map((a) => ({ at: new Date(a.at).toISOString(), actor: a.actor, action: a.action, detail: a.detail === null ? null : (JSON.parse(a.detail) as unknown) })),
    outbox: outbox.map((o) => ({ kind: o.kind, status: o.status, attempts: o.attempts, lastError: o.lastError, doneAt: isoOrNull(o.doneAt) })),
    emails: emails.map((e) => ({
      template: e.template,
      to: row.customerEmail,
      status: e.status,
      attempts: e.attempts,
      lastError: e.lastError,
      queuedAt: new Date(e.createdAt).toISOString(),
      sentAt: e.status === 'done' ? isoOrNull(e.doneAt) : null,
    })),
    can: {
      refund: REFUNDABLE.has(row.status) && row.paymentIntent !== null && (row.amountTotal === null || row.amountRefunded < row.amountTotal),
      revokeAccess: canTransition(row.status, 'revoked'),
      restoreAccess: canTransition(row.status, 'restored'),
      markShipped: canTransition(row.status, 'shipped'),
      resendReceipt: servesAccess(row.status) && row.customerEmail !== null,
      rerunFulfilment: row.status === 'review' || (row.status === 'fulfilled' && deliveryDead),
    },
    periods,
  };
}
