// The back office's orders: a page, a search, the totals, one order in full.
import type { AdminCustomerQuery, AdminCustomerResponse, AdminOrderDetail, AdminOrdersQuery, AdminOrdersResponse, SalesTotals } from '../../contract/api';
import { catalog } from '../../catalog';
import { ADMIN_PAGE_SIZE } from '../../contract/limits';
import { actionsOn } from '../store/admin-actions';
import { findBuyerDetails } from '../store/buyer-details';
import { downloadCountsOf } from '../store/downloads';
import { keysOfOrder } from '../store/licences';
import { eventsOfOrder } from '../store/ledger';
import { stripeProductsOfCatalogIds } from '../store/catalog';
import { findMirroredCustomer } from '../store/mirror';
import { findLineItems, findOrder, lineItemsOfOrders, listOrders, ordersOfBuyer, salesSince, SEARCH_WINDOW, searchOrders, type Order, type OrderSearch } from '../store/orders';
import { emailsOfOrder, outboxOfOrder } from '../store/outbox';
import { periodsOfSubscription } from '../store/subscription-periods';
import { Refusal } from '../platform/refusal';
import { canTransition, HAS_RECEIPT } from '../../contract/order-states';
import { trackingUrl } from '../../catalog/shipping';
import { REFUNDABLE } from './refund';
import { adminOrderView, buyerTotals, classifySearch, decodeCursor, isoOrNull, ledgerEventView, mergeNewestFirst, nextCursor, totalsWindows } from './views';

export async function ordersPage(db: D1Database, query: AdminOrdersQuery): Promise<AdminOrdersResponse> {
  const limit = query.limit ?? ADMIN_PAGE_SIZE;
  if (query.q !== undefined) {
    const plan = classifySearch(query.q, catalog.products);
    const lookups: OrderSearch[] = [...plan.lookups];
    if (plan.productSlugs.length > 0) lookups.push({ by: 'product', products: [...plan.productSlugs, ...(await stripeProductsOfCatalogIds(db, plan.productSlugs))] });
    const found = await Promise.all(lookups.map((lookup) => searchOrders(db, lookup, limit)));
    const rows = mergeNewestFirst(found, Number.MAX_SAFE_INTEGER).filter((row) => !query.status || row.status === query.status).slice(0, limit);
    const windowed = lookups.some((lookup) => lookup.by === 'email_domain' || lookup.by === 'product');
    return { orders: await withLines(db, rows), next: null, ...(windowed ? { searchedNewest: SEARCH_WINDOW } : {}) };
  }
  const rows = await listOrders(db, { ...(query.status ? { status: query.status } : {}), after: decodeCursor(query.cursor), limit });
  return { orders: await withLines(db, rows), next: nextCursor(rows, limit, (row) => ({ at: row.createdAt, id: row.id })) };
}

/** One buyer's orders, newest first: by email, or by a Stripe customer's email as the mirror has it. */
export async function customerPage(db: D1Database, query: AdminCustomerQuery): Promise<AdminCustomerResponse> {
  const limit = query.limit ?? ADMIN_PAGE_SIZE;
  const mirrored = query.customer ? await findMirroredCustomer(db, query.customer) : null;
  if (query.customer && !mirrored) throw new Refusal(404, `customer ${query.customer} is not in the mirror: resync it from Stripe`);
  const email = query.email ?? mirrored?.email ?? null;
  const rows = email ? await ordersOfBuyer(db, email, decodeCursor(query.cursor) ?? { at: Number.MAX_SAFE_INTEGER, id: '' }, limit) : [];
  const orders = await withLines(db, rows);
  return {
    email,
    customer: mirrored ? { id: mirrored.id, name: mirrored.name, email: mirrored.email, deleted: mirrored.deleted === 1 } : null,
    orders,
    totals: buyerTotals(orders),
    next: nextCursor(rows, limit, (row) => ({ at: row.createdAt, id: row.id })),
  };
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
    amountShipping: row.amountShipping,
    shipment: row.shippedAt === null ? null : { carrier: row.shippingCarrier, trackingNumber: row.trackingNumber, trackingUrl: trackingUrl(row.shippingCarrier, row.trackingNumber), shippedAt: isoOrNull(row.shippedAt) },
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
      markDelivered: canTransition(row.status, 'delivered'),
      resendReceipt: (HAS_RECEIPT as readonly string[]).includes(row.status) && row.customerEmail !== null,
      rerunFulfilment: row.status === 'review' || (row.status === 'fulfilled' && deliveryDead),
    },
    periods,
  };
}
