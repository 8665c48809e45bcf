// An order with everything its delivery and its success page read — its line items, the
// storefront slugs of their Stripe products, download counts, licence keys and its subscription
// as mirrored — read for one order or many in a single D1 batch (one round trip), whatever the order holds.
import { type LineItem, type Order, ordersIn } from './orders';
import { SUBSCRIPTION_STATE_COLUMNS, subscriptionStateOf, type SubscriptionState, type SubscriptionStateRow } from './subscriptions';
import { fileVersionsIn, selectNewestFileVersions, type FileVersion } from './file-versions';
import { catalog, filesOf } from '../../catalog';

/** Every file the catalog names: whose newest versions are read with the orders (a handful of rows, by primary key). */
const CATALOG_FILE_KEYS = catalog.products.flatMap((product) => filesOf(product).map((file) => file.key));

/** The orders to read: by id, or the orders a set of outbox rows (deliveries, revocations) are about. */
export type OrderSelection = { orderIds: string[] } | { outboxIds: number[] };

export interface OrderRecord {
  order: Order;
  lineItems: LineItem[];
  /** Downloads counted so far, by file key. */
  downloadCounts: Map<string, number>;
  /** The licence keys the order holds: by product id, then by unit (from 0; one key per unit bought). */
  licenceKeys: Map<string, Map<number, string>>;
  /** The order's subscription as mirrored; null without one, or while Stripe has not reported it. */
  subscription: SubscriptionState | null;
  /** The newest version of each catalog file replaced since its first (the same map for every order read together). */
  fileVersions: ReadonlyMap<string, FileVersion>;
  /** A subscription order's paid renewals, oldest first (its first period is the order's own, not among them); [] for other orders. */
  paidRenewals: PaidPeriod[];
}

/** A paid renewal of a subscription order (its dates in unix seconds). */
export interface PaidPeriod {
  invoice: string;
  start: number | null;
  end: number | null;
  amountPaid: number;
  currency: string | null;
}

export interface OrderRecords {
  /** By order id; an id with no stored order is absent. */
  orders: Map<string, OrderRecord>;
  /** The storefront slug (`metadata.catalog_id`) of each mirrored Stripe product the lines name, by product id. */
  slugs: Map<string, string>;
}

function selectedIds(selection: OrderSelection): { ids: string; bound: string } {
  if ('orderIds' in selection) return { ids: 'SELECT value FROM json_each(?1)', bound: JSON.stringify(selection.orderIds) };
  return {
    // An email, or a renewal's delivery, names its order in its payload.
    ids: `SELECT CASE WHEN kind = 'email' OR payload IS NOT NULL THEN json_extract(payload, '$.order') ELSE subject END FROM outbox
          WHERE id IN (SELECT value FROM json_each(?1)) AND kind IN ('delivered', 'revoked', 'email')`,
    bound: JSON.stringify(selection.outboxIds),
  };
}

/** Every read through a primary key or an index, so the cost follows the orders read, not the tables' size. */
export function selectOrderRecords(db: D1Database, selection: OrderSelection): D1PreparedStatement[] {
  const { ids, bound } = selectedIds(selection);
  return [
    db.prepare(`SELECT * FROM orders WHERE id IN (${ids})`),
    db.prepare(
      `SELECT order_id AS orderId, price, product, description, quantity, amount_total AS amountTotal, currency
       FROM order_line_items WHERE order_id IN (${ids}) ORDER BY order_id, position`,
    ),
    db.prepare(
      `SELECT id, json_extract(raw, '$.metadata.catalog_id') AS catalogId FROM stripe_products
       WHERE id IN (SELECT product FROM order_line_items WHERE order_id IN (${ids})) AND catalogId IS NOT NULL`,
    ),
    db.prepare(`SELECT order_id AS orderId, file_key AS key, count FROM download_counts WHERE order_id IN (${ids})`),
    selectLicenceKeys(db, ids),
    db.prepare(`SELECT s.id, ${SUBSCRIPTION_STATE_COLUMNS} FROM stripe_subscriptions s WHERE s.id IN (SELECT subscription FROM orders WHERE id IN (${ids}))`),
    db.prepare(
      `SELECT o.id AS orderId, p.invoice_id AS invoice, p.period_start AS start, p.period_end AS end, p.amount_paid AS amountPaid, p.currency FROM orders o
       JOIN subscription_periods p ON p.subscription = o.subscription
       WHERE o.id IN (${ids}) AND p.status = 'paid' AND p.billing_reason IS NOT 'subscription_create'
       ORDER BY o.id, p.period_start, p.created_at, p.invoice_id`,
    ),
  ]
    .map((statement) => statement.bind(bound))
    .concat(selectNewestFileVersions(db, CATALOG_FILE_KEYS));
}

function selectLicenceKeys(db: D1Database, ids: string): D1PreparedStatement {
  return db.prepare(`SELECT order_id AS orderId, product_id AS product, unit, key FROM licence_keys WHERE order_id IN (${ids})`);
}

/** The licence keys of the given orders, to read again after a batch that assigned some. */
function selectLicenceKeysOf(db: D1Database, orderIds: string[]): D1PreparedStatement {
  return selectLicenceKeys(db, 'SELECT value FROM json_each(?1)').bind(JSON.stringify(orderIds));
}

type KeyRow = { orderId: string; product: string; unit: number; key: string };

/** Reads the results of `selectOrderRecords`' statements, in their order. */
export function orderRecordsIn(results: D1Result[]): OrderRecords {
  const [orders, lines, slugs, counts, keys, subscriptions, periods, versions] = results;
  const fileVersions = fileVersionsIn(versions);
  const states = new Map(((subscriptions?.results ?? []) as (SubscriptionStateRow & { id: string })[]).map((row) => [row.id, subscriptionStateOf(row)]));
  const records = new Map<string, OrderRecord>(
    ordersIn(orders).map((order) => [
      order.id,
      { order, lineItems: [], downloadCounts: new Map(), licenceKeys: new Map(), subscription: order.subscription ? (states.get(order.subscription) ?? null) : null, paidRenewals: [], fileVersions },
    ]),
  );
  for (const { orderId, ...line } of (lines?.results ?? []) as (LineItem & { orderId: string })[]) records.get(orderId)?.lineItems.push(line);
  for (const { orderId, key, count } of (counts?.results ?? []) as { orderId: string; key: string; count: number }[]) records.get(orderId)?.downloadCounts.set(key, count);
  setLicenceKeys(records, keys);
  for (const { orderId, ...period } of (periods?.results ?? []) as (PaidPeriod & { orderId: string })[]) records.get(orderId)?.paidRenewals.push(period);
  return {
    orders: records,
    slugs: new Map(((slugs?.results ?? []) as { id: string; catalogId: string }[]).map((row) => [row.id, row.catalogId])),
  };
}

/**
 * Gives each waiting order its product's oldest free pool key (`assign`: each still once), then
 * reads those orders' keys again into their records, in one round trip.
 */
export async function assignPoolKeysTo(db: D1Database, records: Map<string, OrderRecord>, assign: D1PreparedStatement[]): Promise<void> {
  const results = await db.batch([...assign, selectLicenceKeysOf(db, [...records.keys()])]);
  setLicenceKeys(records, results.at(-1));
}

/** Puts the keys of a `selectLicenceKeysOf` result into the records they belong to. */
function setLicenceKeys(records: Map<string, OrderRecord>, result: D1Result | undefined): void {
  for (const { orderId, product, unit, key } of (result?.results ?? []) as KeyRow[]) {
    const keys = records.get(orderId)?.licenceKeys;
    if (!keys) continue;
    const units = keys.get(product) ?? new Map<number, string>();
    units.set(unit, key);
    keys.set(product, units);
  }
}

export async function findOrderRecords(db: D1Database, selection: OrderSelection): Promise<OrderRecords> {
  return orderRecordsIn(await db.batch(selectOrderRecords(db, selection)));
}
