// The back office's reads and its action log. Every list is newest first, paged by a
// keyset cursor (never OFFSET) through an index of migrations/0008_back_office.sql.
import type { OrderStatus } from '../../contract/api';
import type { LedgerStatus } from '../../contract/api';

export interface Keyset {
  at: number;
  id: string;
}

export interface AdminOrderRow {
  id: string;
  status: OrderStatus;
  clientReferenceId: string | null;
  customerEmail: string | null;
  paymentIntent: string | null;
  productId: string | null;
  amountTotal: number | null;
  amountDiscount: number | null;
  promotionCode: string | null;
  coupon: string | null;
  currency: string | null;
  livemode: number;
  deliveryToken: string | null;
  fulfilledAt: number | null;
  revokedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

const ORDER_COLUMNS = `id, status, client_reference_id AS clientReferenceId, customer_email AS customerEmail,
  payment_intent AS paymentIntent, product_id AS productId, amount_total AS amountTotal,
  amount_discount AS amountDiscount, promotion_code AS promotionCode, coupon, currency, livemode,
  delivery_token AS deliveryToken, fulfilled_at AS fulfilledAt, revoked_at AS revokedAt, created_at AS createdAt, updated_at AS updatedAt`;

/** One page of orders older than `after`, optionally of one status. */
export async function listOrders(db: D1Database, options: { status?: OrderStatus; after?: Keyset; limit: number }): Promise<AdminOrderRow[]> {
  const after = options.after ?? { at: Number.MAX_SAFE_INTEGER, id: '' };
  const statement = options.status
    ? db
        .prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE status = ?1 AND (created_at, id) < (?2, ?3) ORDER BY created_at DESC, id DESC LIMIT ?4`)
        .bind(options.status, after.at, after.id, options.limit)
    : db
        .prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE (created_at, id) < (?1, ?2) ORDER BY created_at DESC, id DESC LIMIT ?3`)
        .bind(after.at, after.id, options.limit);
  return (await statement.all<AdminOrderRow>()).results;
}

export type OrderSearch = { by: 'id' | 'payment_intent' | 'client_reference_id' | 'email'; value: string };

/** Orders matching one identifier exactly (an email in any case), newest first. */
export async function searchOrders(db: D1Database, search: OrderSearch, limit: number): Promise<AdminOrderRow[]> {
  const where = {
    id: 'id = ?1',
    payment_intent: 'payment_intent = ?1',
    client_reference_id: 'client_reference_id = ?1',
    email: 'customer_email = ?1 COLLATE NOCASE',
  }[search.by];
  const { results } = await db
    .prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ?2`)
    .bind(search.value, limit)
    .all<AdminOrderRow>();
  return results;
}

export async function findAdminOrder(db: D1Database, id: string): Promise<AdminOrderRow | null> {
  return db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`).bind(id).first<AdminOrderRow>();
}

export interface SalesTotal {
  currency: string;
  orders: number;
  amount: number;
}

/** Money taken and kept (paid, fulfilled, held for review) since `since`, by currency. */
export async function salesSince(db: D1Database, since: number): Promise<SalesTotal[]> {
  const { results } = await db
    .prepare(
      `SELECT currency, count(*) AS orders, coalesce(sum(amount_total), 0) AS amount FROM orders
       WHERE created_at >= ?1 AND status IN ('paid', 'fulfilled', 'review') AND currency IS NOT NULL
       GROUP BY currency ORDER BY currency`,
    )
    .bind(since)
    .all<SalesTotal>();
  return results;
}

// ─── the ledger ─────────────────────────────────────────────────────────────

export interface LedgerRow {
  id: string;
  type: string;
  status: LedgerStatus;
  attempts: number;
  lastError: string | null;
  note: string | null;
  livemode: number;
  created: number;
  receivedAt: number;
  processedAt: number | null;
}

const LEDGER_COLUMNS = `id, type, status, attempts, last_error AS lastError, note, livemode, created, received_at AS receivedAt, processed_at AS processedAt`;

/** One page of the ledger older than `after`, all or by status or by type. */
export async function listEvents(db: D1Database, options: { status?: LedgerStatus; type?: string; after?: Keyset; limit: number }): Promise<LedgerRow[]> {
  const after = options.after ?? { at: Number.MAX_SAFE_INTEGER, id: '' };
  const [filter, value] = options.status ? ['status = ?4 AND', options.status] : options.type ? ['type = ?4 AND', options.type] : ['', null];
  const { results } = await db
    .prepare(`SELECT ${LEDGER_COLUMNS} FROM stripe_events WHERE ${filter} (received_at, id) < (?1, ?2) ORDER BY received_at DESC, id DESC LIMIT ?3`)
    .bind(after.at, after.id, options.limit, ...(value === null ? [] : [value]))
    .all<LedgerRow>();
  return results;
}

/** The events that touched an order: its session's, and its payment's (refunds, disputes). */
export async function eventsOfOrder(db: D1Database, orderId: string, paymentIntent: string | null): Promise<LedgerRow[]> {
  const { results } = await db
    .prepare(
      `SELECT ${LEDGER_COLUMNS} FROM stripe_events WHERE json_extract(payload, '$.data.object.id') = ?1
       UNION
       SELECT ${LEDGER_COLUMNS} FROM stripe_events WHERE ?2 IS NOT NULL AND json_extract(payload, '$.data.object.payment_intent') = ?2
       ORDER BY receivedAt, id LIMIT 200`,
    )
    .bind(orderId, paymentIntent)
    .all<LedgerRow>();
  return results;
}

/** A failed event's stored payload, to run it again. */
export async function failedEventPayload(db: D1Database, id: string): Promise<string | null> {
  const row = await db.prepare(`SELECT payload FROM stripe_events WHERE id = ? AND status = 'failed'`).bind(id).first<{ payload: string }>();
  return row?.payload ?? null;
}

/** The oldest failed events first: the ones Stripe has been retrying longest. */
export async function failedEventIds(db: D1Database, limit: number): Promise<string[]> {
  const { results } = await db
    .prepare(`SELECT id FROM stripe_events WHERE status = 'failed' ORDER BY received_at, id LIMIT ?`)
    .bind(limit)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

export type LedgerCounts = Record<LedgerStatus, number>;

/** Events by status: one indexed count each. */
export async function ledgerCounts(db: D1Database): Promise<LedgerCounts> {
  const statuses: LedgerStatus[] = ['received', 'processed', 'failed', 'ignored'];
  const results = await db.batch<{ n: number }>(statuses.map((status) => db.prepare('SELECT count(*) AS n FROM stripe_events WHERE status = ?').bind(status)));
  return Object.fromEntries(statuses.map((status, i) => [status, results[i]?.results[0]?.n ?? 0])) as LedgerCounts;
}

/** Ignored events by type: a dashboard endpoint that sends more than the shop handles shows here. */
export async function ignoredByType(db: D1Database): Promise<{ type: string; count: number }[]> {
  const { results } = await db
    .prepare(`SELECT type, count(*) AS count FROM stripe_events WHERE status = 'ignored' GROUP BY type ORDER BY count DESC, type LIMIT 100`)
    .all<{ type: string; count: number }>();
  return results;
}

export async function lastEvent(db: D1Database): Promise<{ id: string; type: string; receivedAt: number } | null> {
  return db.prepare('SELECT id, type, received_at AS receivedAt FROM stripe_events ORDER BY received_at DESC, id DESC LIMIT 1').first();
}

export async function anyOrder(db: D1Database): Promise<boolean> {
  return (await db.prepare('SELECT 1 AS one FROM orders LIMIT 1').first()) !== null;
}

// ─── the outbox of one order, dead rows ─────────────────────────────────────

export interface OrderOutboxRow {
  kind: 'delivered' | 'revoked';
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  lastError: string | null;
  doneAt: number | null;
}

export async function outboxOfOrder(db: D1Database, orderId: string): Promise<OrderOutboxRow[]> {
  const { results } = await db
    .prepare(`SELECT kind, status, attempts, last_error AS lastError, done_at AS doneAt FROM outbox WHERE subject = ? AND kind IN ('delivered', 'revoked') ORDER BY kind`)
    .bind(orderId)
    .all<OrderOutboxRow>();
  return results;
}

export async function deadOutboxCount(db: D1Database): Promise<number> {
  return (await db.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'dead'`).first<{ n: number }>())?.n ?? 0;
}

/** A dead delivery back to pending, due now, attempts from zero; returns the row to queue. */
export function reviveDelivery(db: D1Database, orderId: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE outbox SET status = 'pending', attempts = 0, last_error = NULL, next_attempt_at = ?2
       WHERE subject = ?1 AND kind = 'delivered' AND status = 'dead' RETURNING id, next_attempt_at AS dueAt`,
    )
    .bind(orderId, now);
}

/** The seller's approval of an order held for review: fulfilled now, only if still in review. */
export function approveReviewedOrder(db: D1Database, orderId: string, deliveryToken: string | null, now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE orders SET status = 'fulfilled', delivery_token = coalesce(delivery_token, ?2), fulfilled_at = coalesce(fulfilled_at, ?3), updated_at = ?3
       WHERE id = ?1 AND status = 'review'`,
    )
    .bind(orderId, deliveryToken, now);
}

// ─── mirror ─────────────────────────────────────────────────────────────────

const MIRROR_TABLES = ['stripe_products', 'stripe_prices', 'stripe_customers', 'stripe_subscriptions', 'stripe_payment_links'] as const;

/** Rows per mirror table (deleted ones apart). These tables hold a shop's catalog and customers: counted whole. */
export async function mirrorCounts(db: D1Database): Promise<Record<string, { rows: number; deleted: number; lastUpdatedAt: number | null }>> {
  const results = await db.batch<{ rows: number; deleted: number; last: number | null }>(
    MIRROR_TABLES.map((table) => db.prepare(`SELECT count(*) AS rows, coalesce(sum(deleted), 0) AS deleted, max(updated_at) AS last FROM ${table}`)),
  );
  return Object.fromEntries(
    MIRROR_TABLES.map((table, i) => {
      const row = results[i]?.results[0];
      return [table.replace(/^stripe_/, ''), { rows: (row?.rows ?? 0) - (row?.deleted ?? 0), deleted: row?.deleted ?? 0, lastUpdatedAt: row?.last ?? null }];
    }),
  );
}

// ─── the action log ─────────────────────────────────────────────────────────

export type AdminAction = 'refund_requested' | 'fulfilment_rerun' | 'delivery_retried' | 'event_retried' | 'mirror_synced';

export interface ActionRow {
  at: number;
  actor: string;
  action: AdminAction;
  subject: string;
  detail: string | null;
}

export function logAction(db: D1Database, entry: ActionRow): D1PreparedStatement {
  return db
    .prepare('INSERT INTO admin_actions (at, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)')
    .bind(entry.at, entry.actor, entry.action, entry.subject, entry.detail);
}

/** Logged only if the batch's approval applied (the order fulfilled at this very moment), so a lost race logs nothing. */
export function logApproval(db: D1Database, entry: ActionRow): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO admin_actions (at, actor, action, subject, detail)
       SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM orders WHERE id = ?4 AND status = 'fulfilled' AND updated_at = ?1)`,
    )
    .bind(entry.at, entry.actor, entry.action, entry.subject, entry.detail);
}

export async function actionsOn(db: D1Database, subject: string): Promise<ActionRow[]> {
  const { results } = await db.prepare('SELECT at, actor, action, subject, detail FROM admin_actions WHERE subject = ? ORDER BY at LIMIT 200').bind(subject).all<ActionRow>();
  return results;
}

export async function lastAction(db: D1Database, action: AdminAction): Promise<ActionRow | null> {
  return db.prepare('SELECT at, actor, action, subject, detail FROM admin_actions WHERE action = ? ORDER BY at DESC LIMIT 1').bind(action).first<ActionRow>();
}
