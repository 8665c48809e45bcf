import type { LineItemView, OrderStatus, SalesTotal } from '../../contract/api';
import { KEEPS_MONEY, MOVES_INTO, SELLER_APPROVAL, REVOKES_ACCESS, SERVES_ACCESS, sqlStatusList } from '../../contract/order-states';
import type { Keyset } from './keyset';

/** The state table as SQL reads it: `json_each(MOVES, '$.' || target)` is the statuses `target` may be reached from. */
const MOVES = JSON.stringify(MOVES_INTO);
const ACCESS = sqlStatusList(SERVES_ACCESS);
const REVOKES = sqlStatusList(REVOKES_ACCESS);

/** An order is a Checkout Session as the shop sees it, keyed by the session id. */
export interface Order {
  id: string;
  status: OrderStatus;
  clientReferenceId: string | null;
  paymentLink: string | null;
  productId: string | null;
  amountTotal: number | null;
  /** What a promotion code or coupon took off (minor units); `amountTotal` is already after it. */
  amountDiscount: number | null;
  /** The promotion code (`promo_…`) or coupon that gave the discount. */
  promotionCode: string | null;
  coupon: string | null;
  currency: string | null;
  customerEmail: string | null;
  mode: string;
  livemode: boolean;
  paymentIntent: string | null;
  subscription: string | null;
  deliveryToken: string | null;
  fulfilledAt: number | null;
  revokedAt: number | null;
  /** What came back to the buyer, from the refunds Stripe signed (only grows). */
  amountRefunded: number;
  /** What the buyer paid for shipping (Stripe's `shipping_cost.amount_total`); null: nothing shipped or not charged. */
  amountShipping: number | null;
  /** Set by the seller's "mark shipped" (physical goods). */
  shippingCarrier: string | null;
  trackingNumber: string | null;
  shippedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

interface OrderRow {
  id: string;
  status: OrderStatus;
  client_reference_id: string | null;
  payment_link: string | null;
  product_id: string | null;
  amount_total: number | null;
  amount_discount: number | null;
  promotion_code: string | null;
  coupon: string | null;
  currency: string | null;
  customer_email: string | null;
  mode: string;
  livemode: number;
  payment_intent: string | null;
  subscription: string | null;
  delivery_token: string | null;
  fulfilled_at: number | null;
  revoked_at: number | null;
  amount_refunded: number;
  amount_shipping: number | null;
  shipping_carrier: string | null;
  tracking_number: string | null;
  shipped_at: number | null;
  created_at: number;
  updated_at: number;
}

export async function findOrder(db: D1Database, id: string): Promise<Order | null> {
  return orderIn(await selectOrder(db, id).all());
}

/** The read of one order, for batching with other statements; `orderIn` reads its result. */
export function selectOrder(db: D1Database, id: string): D1PreparedStatement {
  return db.prepare('SELECT * FROM orders WHERE id = ?').bind(id);
}

export function orderIn(result: D1Result | undefined): Order | null {
  const row = result?.results[0] as OrderRow | undefined;
  return row ? fromRow(row) : null;
}

/** Every order in the result of a `SELECT * FROM orders …`. */
export function ordersIn(result: D1Result | undefined): Order[] {
  return ((result?.results ?? []) as OrderRow[]).map(fromRow);
}

export async function findOrderByPaymentIntent(db: D1Database, paymentIntent: string): Promise<Order | null> {
  return orderIn(await selectOrderByPaymentIntent(db, paymentIntent).all());
}

export function selectOrderByPaymentIntent(db: D1Database, paymentIntent: string | null): D1PreparedStatement {
  return db.prepare('SELECT * FROM orders WHERE payment_intent = ? LIMIT 1').bind(paymentIntent);
}

export async function findOrderByDeliveryToken(db: D1Database, token: string): Promise<Order | null> {
  return orderIn(await db.prepare('SELECT * FROM orders WHERE delivery_token = ?').bind(token).all());
}

/**
 * Records `order` as new, or moves the stored order to `order.status` — but only when the
 * state table (contract/order-states.ts) allows the move. The guard lives in SQL so that
 * deliveries racing each other cannot both apply a transition. A refund or dispute already
 * recorded for the order's payment intent is applied by the same statement when the table
 * allows moving there from the new status: the order is recorded refunded, disputed or
 * partially refunded, with the amount that came back.
 */
export function saveOrderTransition(db: D1Database, order: Order): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO orders (id, status, client_reference_id, payment_link, product_id, amount_total, currency,
         customer_email, mode, livemode, delivery_token, fulfilled_at, created_at, updated_at,
         payment_intent, subscription, revoked_at, amount_discount, promotion_code, coupon, amount_refunded, amount_shipping)
       SELECT ?1, coalesce(r.status, ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
              CASE WHEN coalesce(r.status, ?2) IN (${ACCESS}) THEN ?11 END, CASE WHEN coalesce(r.status, ?2) IN (${ACCESS}) THEN ?12 END,
              ?13, ?14, ?16, ?17, CASE WHEN r.status IN (${REVOKES}) THEN ?14 ELSE ?18 END, ?19, ?20, ?21,
              coalesce(refunds.amount_refunded, 0), ?22
       FROM (SELECT ?16 AS payment_intent) AS paid
       LEFT JOIN payment_revocations refunds ON refunds.payment_intent = paid.payment_intent
       LEFT JOIN payment_revocations r ON r.payment_intent = paid.payment_intent AND ?2 IN (SELECT value FROM json_each(?15, '$.' || r.status))
       WHERE true
       ON CONFLICT (id) DO UPDATE SET
         status = excluded.status,
         client_reference_id = coalesce(excluded.client_reference_id, orders.client_reference_id),
         payment_link = coalesce(excluded.payment_link, orders.payment_link),
         product_id = coalesce(excluded.product_id, orders.product_id),
         amount_total = coalesce(excluded.amount_total, orders.amount_total),
         amount_discount = coalesce(excluded.amount_discount, orders.amount_discount),
         promotion_code = coalesce(excluded.promotion_code, orders.promotion_code),
         coupon = coalesce(excluded.coupon, orders.coupon),
         currency = coalesce(excluded.currency, orders.currency),
         customer_email = coalesce(excluded.customer_email, orders.customer_email),
         delivery_token = coalesce(orders.delivery_token, excluded.delivery_token),
         fulfilled_at = coalesce(orders.fulfilled_at, excluded.fulfilled_at),
         payment_intent = coalesce(excluded.payment_intent, orders.payment_intent),
         subscription = coalesce(excluded.subscription, orders.subscription),
         revoked_at = coalesce(orders.revoked_at, excluded.revoked_at),
         amount_refunded = max(orders.amount_refunded, excluded.amount_refunded),
         amount_shipping = coalesce(excluded.amount_shipping, orders.amount_shipping),
         updated_at = excluded.updated_at
       WHERE orders.status IN (SELECT value FROM json_each(?15, '$.' || excluded.status))`,
    )
    .bind(
      order.id,
      order.status,
      order.clientReferenceId,
      order.paymentLink,
      order.productId,
      order.amountTotal,
      order.currency,
      order.customerEmail,
      order.mode,
      order.livemode ? 1 : 0,
      order.deliveryToken,
      order.fulfilledAt,
      order.createdAt,
      order.updatedAt,
      MOVES,
      order.paymentIntent,
      order.subscription,
      order.revokedAt,
      order.amountDiscount,
      order.promotionCode,
      order.coupon,
      order.amountShipping,
    );
}

// ─── what Stripe signed about a payment: refunds and disputes, which may arrive before their payment ───

/** The money states a charge's events move an order to. */
export type PaymentNews = 'partially_refunded' | 'refunded' | 'disputed' | 'dispute_won' | 'dispute_lost';

/**
 * Keeps a payment's news for an order not recorded yet. A refund outranks a dispute's outcome,
 * an outcome its opening, an opening a partial refund; the amount refunded only grows.
 */
export function saveRevocation(db: D1Database, paymentIntent: string, status: PaymentNews, amountRefunded: number, eventId: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO payment_revocations (payment_intent, status, event_id, recorded_at, amount_refunded) VALUES (?1, ?2, ?3, ?4, ?5)
       ON CONFLICT (payment_intent) DO UPDATE SET
         status = CASE WHEN ${rank('excluded.status')} > ${rank('payment_revocations.status')} THEN excluded.status ELSE payment_revocations.status END,
         event_id = excluded.event_id, recorded_at = excluded.recorded_at,
         amount_refunded = max(payment_revocations.amount_refunded, excluded.amount_refunded)`,
    )
    .bind(paymentIntent, status, eventId, now, amountRefunded);
}

/** Which news outranks which: what the latest facts imply, whatever order they came in. */
const rank = (column: string) => `CASE ${column} WHEN 'refunded' THEN 5 WHEN 'dispute_lost' THEN 4 WHEN 'dispute_won' THEN 3 WHEN 'disputed' THEN 2 ELSE 1 END`;

/**
 * Moves the order paid through `paymentIntent` to `status` when the state table allows it, and
 * raises its amount refunded to `amountRefunded` (Stripe's cumulative figure) whatever its state.
 */
export function moveByPaymentIntent(db: D1Database, paymentIntent: string, status: PaymentNews, amountRefunded: number, now: number): D1PreparedStatement {
  const movable = `status IN (SELECT value FROM json_each(?3, '$.' || ?2))`;
  return db
    .prepare(
      `UPDATE orders SET
         status = CASE WHEN ${movable} THEN ?2 ELSE status END,
         revoked_at = CASE WHEN ${movable} AND ?2 IN (${REVOKES}) THEN coalesce(revoked_at, ?4) ELSE revoked_at END,
         amount_refunded = max(amount_refunded, ?5),
         updated_at = ?4
       WHERE payment_intent = ?1 AND (${movable} OR amount_refunded < ?5)`,
    )
    .bind(paymentIntent, status, MOVES, now, amountRefunded);
}

/**
 * A subscription order recorded without the PaymentIntent of its first invoice (no Stripe key when
 * the session was read) learns it from that invoice's event, so a refund or dispute of it finds the order.
 */
export function linkFirstPaymentIntent(db: D1Database, subscription: string, paymentIntent: string, now: number): D1PreparedStatement {
  return db.prepare(`UPDATE orders SET payment_intent = ?2, updated_at = ?3 WHERE subscription = ?1 AND payment_intent IS NULL`).bind(subscription, paymentIntent, now);
}

/** The seller's move of one order (revoke, restore, ship, deliver), only where the state table allows it from `from`. */
export function moveBySeller(
  db: D1Database,
  orderId: string,
  from: string,
  to: 'revoked' | 'restored' | 'shipped' | 'delivered',
  now: number,
  shipment?: { carrier: string; trackingNumber: string; shippedAt: number },
): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE orders SET status = ?3, updated_at = ?4,
         shipping_carrier = coalesce(?5, shipping_carrier), tracking_number = coalesce(?6, tracking_number),
         shipped_at = coalesce(?8, shipped_at)
       WHERE id = ?1 AND status = ?2 AND ?2 IN (SELECT value FROM json_each(?7, '$.' || ?3))`,
    )
    .bind(orderId, from, to, now, shipment?.carrier ?? null, shipment?.trackingNumber ?? null, MOVES, shipment?.shippedAt ?? null);
}

function fromRow(row: OrderRow): Order {
  return {
    id: row.id,
    status: row.status,
    clientReferenceId: row.client_reference_id,
    paymentLink: row.payment_link,
    productId: row.product_id,
    amountTotal: row.amount_total,
    amountDiscount: row.amount_discount,
    promotionCode: row.promotion_code,
    coupon: row.coupon,
    currency: row.currency,
    customerEmail: row.customer_email,
    mode: row.mode,
    livemode: row.livemode === 1,
    paymentIntent: row.payment_intent,
    subscription: row.subscription,
    deliveryToken: row.delivery_token,
    fulfilledAt: row.fulfilled_at,
    revokedAt: row.revoked_at,
    amountRefunded: row.amount_refunded,
    amountShipping: row.amount_shipping,
    shippingCarrier: row.shipping_carrier,
    trackingNumber: row.tracking_number,
    shippedAt: row.shipped_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** One line of an order as recorded: the contract's shape, as the success page and the back office show it. */
export type LineItem = LineItemView;

/** Recorded once per order: a redelivery or a second path to the same session adds nothing. */
export function saveLineItems(db: D1Database, orderId: string, items: LineItem[]): D1PreparedStatement[] {
  return items.map((item, position) =>
    db
      .prepare(
        `INSERT INTO order_line_items (order_id, position, price, product, description, quantity, amount_total, currency)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (order_id, position) DO NOTHING`,
      )
      .bind(orderId, position, item.price, item.product, item.description, item.quantity, item.amountTotal, item.currency),
  );
}

export async function findLineItems(db: D1Database, orderId: string): Promise<LineItem[]> {
  const { results } = await db
    .prepare('SELECT price, product, description, quantity, amount_total AS amountTotal, currency FROM order_line_items WHERE order_id = ? ORDER BY position')
    .bind(orderId)
    .all<LineItem>();
  return results;
}

/** The lines of a page of orders, by order id: one read through the primary key, whatever the table's size. */
export async function lineItemsOfOrders(db: D1Database, orderIds: string[]): Promise<Map<string, LineItem[]>> {
  const lines = new Map<string, LineItem[]>(orderIds.map((id) => [id, []]));
  if (orderIds.length === 0) return lines;
  const { results } = await db
    .prepare(
      `SELECT order_id AS orderId, price, product, description, quantity, amount_total AS amountTotal, currency
       FROM order_line_items WHERE order_id IN (SELECT value FROM json_each(?1)) ORDER BY order_id, position`,
    )
    .bind(JSON.stringify(orderIds))
    .all<LineItem & { orderId: string }>();
  for (const { orderId, ...line } of results) lines.get(orderId)?.push(line);
  return lines;
}

// ─── the back office's reads: newest first, paged by a keyset through an index of migrations/0008_back_office.sql ───

/** One page of orders older than `after` (and, with `since`, created at or after it), optionally of one status. */
export async function listOrders(db: D1Database, options: { status?: OrderStatus; after?: Keyset; limit: number; since?: number }): Promise<Order[]> {
  const after = options.after ?? { at: Number.MAX_SAFE_INTEGER, id: '' };
  const statement = options.since !== undefined
    ? db
        .prepare(`SELECT * FROM orders WHERE (created_at, id) < (?1, ?2) AND created_at >= ?3 ORDER BY created_at DESC, id DESC LIMIT ?4`)
        .bind(after.at, after.id, options.since, options.limit)
    : options.status
    ? db
        // Fulfilled orders, most of them, are read newest first off orders_by_created; the others
        // through orders_unfulfilled, which SQLite takes only when the WHERE states its condition.
        .prepare(`SELECT * FROM orders WHERE status = ?1 ${options.status === 'fulfilled' ? '' : "AND status <> 'fulfilled'"} AND (created_at, id) < (?2, ?3) ORDER BY created_at DESC, id DESC LIMIT ?4`)
        .bind(options.status, after.at, after.id, options.limit)
    : db
        .prepare(`SELECT * FROM orders WHERE (created_at, id) < (?1, ?2) ORDER BY created_at DESC, id DESC LIMIT ?3`)
        .bind(after.at, after.id, options.limit);
  return ordersIn(await statement.all());
}

export type OrderSearch =
  | { by: 'id' | 'payment_intent' | 'client_reference_id'; value: string }
  /** Emails starting with `value` (lowercased), through the lower(customer_email) index. */
  | { by: 'email_prefix'; value: string }
  /** Emails at the domain `value` (lowercased), among the newest SEARCH_WINDOW orders. */
  | { by: 'email_domain'; value: string }
  /** Orders with a line of one of `products` (Stripe product ids or catalog slugs), among the newest SEARCH_WINDOW orders. */
  | { by: 'product'; products: string[] };

/**
 * How many of the newest orders a domain or product search reads: a suffix of an email and a
 * line's product have no index on orders, so these read a fixed window instead of the table.
 */
export const SEARCH_WINDOW = 2000;

/** `%` and `_` of a typed term matched literally by LIKE … ESCAPE '\\'. */
const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Orders among the newest SEARCH_WINDOW (`recent`) for which `condition` holds with ?2 = `value`, newest first, at most `limit`. */
async function newestMatching(db: D1Database, condition: string, value: string, limit: number): Promise<Order[]> {
  return ordersIn(
    await db
      .prepare(
        `SELECT * FROM (SELECT * FROM orders ORDER BY created_at DESC, id DESC LIMIT ?1) AS recent
         WHERE ${condition} ORDER BY created_at DESC, id DESC LIMIT ?3`,
      )
      .bind(SEARCH_WINDOW, value, limit)
      .all(),
  );
}

/**
 * Orders matching one lookup, at most `limit`, each through an index or a fixed window: an
 * identifier exactly, an email by its prefix (in the index's order, so a short prefix reads
 * `limit` rows, not every match), a domain or a product among the newest SEARCH_WINDOW orders.
 */
export async function searchOrders(db: D1Database, search: OrderSearch, limit: number): Promise<Order[]> {
  if (search.by === 'email_prefix') {
    // Every string starting with the prefix sorts before prefix + U+FFFF.
    return ordersIn(
      await db
        .prepare(`SELECT * FROM orders WHERE lower(customer_email) >= ?1 AND lower(customer_email) < ?2 ORDER BY lower(customer_email) LIMIT ?3`)
        .bind(search.value, `${search.value}\uffff`, limit)
        .all(),
    );
  }
  if (search.by === 'email_domain') return newestMatching(db, `lower(customer_email) LIKE ?2 ESCAPE '\\'`, `%@${likeLiteral(search.value)}`, limit);
  if (search.by === 'product') {
    const hasProduct = 'EXISTS (SELECT 1 FROM order_line_items WHERE order_id = recent.id AND product IN (SELECT value FROM json_each(?2)))';
    return newestMatching(db, hasProduct, JSON.stringify(search.products), limit);
  }
  const where = {
    id: 'id = ?1',
    // A renewal's payment finds the subscription order it paid.
    payment_intent: 'payment_intent = ?1 OR subscription IN (SELECT subscription FROM subscription_periods WHERE payment_intent = ?1)',
    client_reference_id: 'client_reference_id = ?1',
  }[search.by];
  return ordersIn(await db.prepare(`SELECT * FROM orders WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?2`).bind(search.value, limit).all());
}

/** Every order of one buyer, by email in any case, newest first, a keyset page at a time (through the lower(customer_email) index). */
export async function ordersOfBuyer(db: D1Database, email: string, after: Keyset, limit: number): Promise<Order[]> {
  return ordersIn(
    await db
      .prepare(`SELECT * FROM orders WHERE lower(customer_email) = ?1 AND (created_at, id) < (?2, ?3) ORDER BY created_at DESC, id DESC LIMIT ?4`)
      .bind(email.toLowerCase(), after.at, after.id, limit)
      .all(),
  );
}

/**
 * Money taken and kept (KEEPS_MONEY), net of refunds, since `since`, by currency: orders, and the
 * renewals of subscription orders paid since then (a subscription's first invoice is its order's
 * own amount; a renewal whose charge is disputed is held from the seller, so not counted).
 */
export async function salesSince(db: D1Database, since: number): Promise<SalesTotal[]> {
  const [orders, renewals] = await db.batch<{ currency: string; count: number; amount: number }>([
    db
      .prepare(
        `SELECT currency, count(*) AS count, coalesce(sum(amount_total - amount_refunded), 0) AS amount FROM orders
         WHERE created_at >= ?1 AND status IN (${sqlStatusList(KEEPS_MONEY)}) AND currency IS NOT NULL
         GROUP BY currency`,
      )
      .bind(since),
    db
      .prepare(
        `SELECT currency, count(*) AS count, coalesce(sum(amount_paid - amount_refunded), 0) AS amount FROM subscription_periods
         WHERE paid_at >= ?1 AND status = 'paid' AND billing_reason IS NOT 'subscription_create' AND currency IS NOT NULL
           AND money_status IS NOT 'disputed' AND money_status IS NOT 'dispute_lost'
         GROUP BY currency`,
      )
      .bind(since),
  ]);
  const totals = new Map<string, SalesTotal>();
  const totalOf = (currency: string) => totals.get(currency) ?? totals.set(currency, { currency, orders: 0, renewals: 0, amount: 0 }).get(currency)!;
  for (const row of orders?.results ?? []) Object.assign(totalOf(row.currency), { orders: row.count, amount: totalOf(row.currency).amount + row.amount });
  for (const row of renewals?.results ?? []) Object.assign(totalOf(row.currency), { renewals: row.count, amount: totalOf(row.currency).amount + row.amount });
  return [...totals.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

export async function anyOrder(db: D1Database): Promise<boolean> {
  return (await db.prepare('SELECT 1 AS one FROM orders LIMIT 1').first()) !== null;
}

/** The seller's approval of an order held for review: fulfilled (or awaiting shipment) now, only if still in review. */
export function approveReviewedOrder(db: D1Database, orderId: string, to: 'fulfilled' | 'awaiting_shipment', deliveryToken: string | null, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE orders SET status = ?5, delivery_token = coalesce(delivery_token, ?2), fulfilled_at = coalesce(fulfilled_at, ?3), updated_at = ?3
       WHERE id = ?1 AND status = ?4`,
    )
    .bind(orderId, deliveryToken, now, SELLER_APPROVAL.from, to);
}
