// The outbox: side effects recorded in the same batch as the state that calls for
// them, carried out after the commit (worker/outbox/). Each insert returns the new
// row's id and due time (nothing when the row already exists), which is what gets queued.
import { orderRecordsIn, selectOrderRecords, type OrderRecords } from './order-records';
import { REVOKES_ACCESS, SERVES_ACCESS, sqlStatusList } from '../../contract/order-states';

/** The states that serve files and keys, as SQL (generated from the state table). */
const ACCESS = sqlStatusList(SERVES_ACCESS);

export type OutboxKind = 'delivered' | 'revoked' | 'catalog' | 'email';

export interface OutboxRow {
  id: number;
  subject: string;
  kind: OutboxKind;
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  last_error: string | null;
  /** An email's JSON payload (EmailPayload); null for other kinds. */
  payload: string | null;
}

/** The messages the shop sends (worker/email/templates/). */
export type EmailTemplate = 'receipt' | 'payment_pending' | 'payment_failed' | 'access_ended' | 'renewal' | 'library_link' | 'file_updated';

/** The messages about an order's state (one per template and order; a renewal's, one per period). */
export type OrderStateTemplate = Exclude<EmailTemplate, 'library_link' | 'file_updated'>;

/**
 * What an email row says: a message about an order (`period`: the invoice of a renewal it is
 * about), a library link to an address, or a file's new version to a past buyer (`order`: the
 * buyer's newest order that delivers it; the note as published).
 */
export type EmailPayload =
  | { template: OrderStateTemplate; order: string; period?: string }
  | { template: 'library_link'; to: string }
  | { template: 'file_updated'; order: string; file: string; version: number; note: string };

/**
 * An email about each order matched that the batch left in one of `statuses` and that has an
 * address, at most once per template and order: its subject `<template>:<order id>` is the
 * provider's idempotency key. Access ends only for an order that was once fulfilled.
 */
export function outboxEmailIf(
  db: D1Database,
  template: Exclude<OrderStateTemplate, 'renewal'>,
  match: { orderId: string } | { paymentIntent: string } | { subscription: string },
  statuses: readonly string[],
  now: number,
): D1PreparedStatement {
  const [column, value] = 'orderId' in match ? ['id', match.orderId] : 'paymentIntent' in match ? ['payment_intent', match.paymentIntent] : ['subscription', match.subscription];
  return db
    .prepare(
      `INSERT INTO outbox (subject, kind, payload, created_at, next_attempt_at)
       SELECT ?3 || ':' || id, 'email', json_object('template', ?3, 'order', id), ?2, ?2 FROM orders
       WHERE ${column} = ?1 AND status IN (SELECT value FROM json_each(?4)) AND customer_email IS NOT NULL${template === 'access_ended' ? ' AND fulfilled_at IS NOT NULL' : ''}
       ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
    )
    .bind(value, now, template, JSON.stringify(statuses));
}

/**
 * A paid renewal's side effects, once per order and period, only if the batch left the period paid
 * and its order serving access: the delivery (subject `<order id>:<invoice id>`, its idempotency key
 * towards the deliver hook) and the renewal email (`renewal:<order id>:<invoice id>`). The
 * subscription's first invoice is the order's own delivery and receipt, not a renewal.
 */
export function outboxRenewalIfPaid(db: D1Database, invoiceId: string, now: number): D1PreparedStatement[] {
  const paidRenewal = `FROM subscription_periods p JOIN orders o ON o.subscription = p.subscription
       WHERE p.invoice_id = ?1 AND p.status = 'paid' AND p.billing_reason IS NOT 'subscription_create' AND o.status IN (${ACCESS})`;
  return [
    db
      .prepare(
        `INSERT INTO outbox (subject, kind, payload, created_at, next_attempt_at)
         SELECT o.id || ':' || p.invoice_id, 'delivered', json_object('order', o.id, 'period', p.invoice_id), ?2, ?2 ${paidRenewal}
         ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
      )
      .bind(invoiceId, now),
    db
      .prepare(
        `INSERT INTO outbox (subject, kind, payload, created_at, next_attempt_at)
         SELECT 'renewal:' || o.id || ':' || p.invoice_id, 'email', json_object('template', 'renewal', 'order', o.id, 'period', p.invoice_id), ?2, ?2 ${paidRenewal}
           AND o.customer_email IS NOT NULL
         ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
      )
      .bind(invoiceId, now),
  ];
}

/** One more email under its own subject (a resent receipt, a library link): queued as is. */
export function outboxEmail(db: D1Database, subject: string, payload: EmailPayload, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO outbox (subject, kind, payload, created_at, next_attempt_at) VALUES (?1, 'email', ?2, ?3, ?3)
       ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
    )
    .bind(subject, JSON.stringify(payload), now);
}

/** A delivery for the order, if the batch left it fulfilled. */
export function outboxDeliveredIfFulfilled(db: D1Database, orderId: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO outbox (subject, kind, created_at, next_attempt_at)
       SELECT id, 'delivered', ?2, ?2 FROM orders WHERE id = ?1 AND status IN (${ACCESS})
       ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
    )
    .bind(orderId, now);
}

/** A revocation for each order the batch left refunded or disputed (by id, or by the payment intent it was paid through). */
export function outboxRevokedIfRevoked(db: D1Database, match: { orderId: string } | { paymentIntent: string }, now: number): D1PreparedStatement {
  const [column, value] = 'orderId' in match ? ['id', match.orderId] : ['payment_intent', match.paymentIntent];
  return db
    .prepare(
      `INSERT INTO outbox (subject, kind, created_at, next_attempt_at)
       SELECT id, 'revoked', ?2, ?2 FROM orders WHERE ${column} = ?1 AND status IN (${sqlStatusList(REVOKES_ACCESS)})
       ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
    )
    .bind(value, now);
}

/**
 * One catalog rebuild per window, however many product and price events arrive in
 * it, due when the window closes so that it sees every change made in it.
 */
export function outboxCatalogRebuild(db: D1Database, windowEnd: number, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO outbox (subject, kind, created_at, next_attempt_at) VALUES (?1, 'catalog', ?2, ?3)
       ON CONFLICT (subject, kind) DO NOTHING RETURNING id, next_attempt_at AS dueAt`,
    )
    .bind(`catalog:${windowEnd}`, now, windowEnd);
}

export interface NewOutboxRow {
  id: number;
  /** ms; when the row's side effect is due (now, or the end of a catalog window). */
  dueAt: number;
}

/** The rows a batch's outbox inserts created. */
export function newOutboxRows(results: D1Result[]): NewOutboxRow[] {
  // Each is the result of an outbox insert above, whose RETURNING names these columns.
  return (results as D1Result<NewOutboxRow>[]).flatMap((result) => result.results);
}

export interface Claimed {
  /** The rows taken for an attempt, their attempts counted. */
  rows: OutboxRow[];
  /** Rows still pending but not due yet, with when they are due. */
  notDue: { id: number; dueAt: number }[];
  /** The orders the rows are about, with what their delivery reads. */
  records: OrderRecords;
}

/** One round trip: claims the due rows among `ids`, tells when the others are due, and reads their orders. */
export async function claimDueRows(db: D1Database, ids: number[], now: number): Promise<Claimed> {
  const [claimed, notDue, ...records] = await db.batch([claimDue(db, ids, now), pendingNotDue(db, ids, now), ...selectOrderRecords(db, { outboxIds: ids })]);
  return { rows: claimed!.results as OutboxRow[], notDue: notDue!.results as Claimed['notDue'], records: orderRecordsIn(records) };
}

/**
 * Takes every pending, due row among `ids` for an attempt (one statement, so two consumers
 * never both take a row). Rows not due yet, done, dead or gone are not taken.
 */
function claimDue(db: D1Database, ids: number[], now: number): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE outbox SET attempts = attempts + 1
       WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'pending' AND next_attempt_at <= ?2
       RETURNING id, subject, kind, status, attempts, last_error, payload`,
    )
    .bind(JSON.stringify(ids), now);
}

/** Rows among `ids` still pending but not due yet, with when they are due; in a batch after `claimDue`, exactly those it left. */
function pendingNotDue(db: D1Database, ids: number[], now: number): D1PreparedStatement {
  return db
    .prepare(`SELECT id, next_attempt_at AS dueAt FROM outbox WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'pending' AND next_attempt_at > ?2`)
    .bind(JSON.stringify(ids), now);
}

/** What an attempt left: the row's next state. */
export type OutboxResult = { id: number; outcome: 'done' } | { id: number; outcome: 'retry'; error: string; nextAttemptAt: number } | { id: number; outcome: 'dead'; error: string };

/** Every attempt's outcome, in one round trip. */
export async function saveOutboxResults(db: D1Database, results: OutboxResult[], now: number): Promise<void> {
  if (results.length > 0) await db.batch(results.map((result) => saveOutboxResult(db, result, now)));
}

function saveOutboxResult(db: D1Database, result: OutboxResult, now: number): D1PreparedStatement {
  switch (result.outcome) {
    case 'done':
      return db.prepare(`UPDATE outbox SET status = 'done', done_at = ?2, last_error = NULL WHERE id = ?1`).bind(result.id, now);
    case 'retry':
      return db.prepare(`UPDATE outbox SET last_error = ?2, next_attempt_at = ?3 WHERE id = ?1`).bind(result.id, result.error.slice(0, 2000), result.nextAttemptAt);
    case 'dead':
      return db.prepare(`UPDATE outbox SET status = 'dead', last_error = ?2 WHERE id = ?1`).bind(result.id, result.error.slice(0, 2000));
  }
}

/** Pending rows whose next attempt is overdue by `graceMs`: their queue message was lost. */
export async function overduePending(db: D1Database, now: number, graceMs: number, limit = 100): Promise<NewOutboxRow[]> {
  const { results } = await db
    .prepare(`SELECT id, next_attempt_at AS dueAt FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?1 ORDER BY next_attempt_at LIMIT ?2`)
    .bind(now - graceMs, limit)
    .all<NewOutboxRow>();
  return results;
}

export async function findOutbox(db: D1Database, id: number): Promise<OutboxRow | null> {
  return db.prepare('SELECT id, subject, kind, status, attempts, last_error, payload FROM outbox WHERE id = ?').bind(id).first<OutboxRow>();
}

// ─── the back office: one order's rows, dead rows ───────────────────────────

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

/** What was emailed about an order, and when: every email row naming it, oldest first. */
export interface OrderEmailRow {
  subject: string;
  template: EmailTemplate;
  status: 'pending' | 'done' | 'dead';
  attempts: number;
  lastError: string | null;
  createdAt: number;
  doneAt: number | null;
}

export async function emailsOfOrder(db: D1Database, orderId: string): Promise<OrderEmailRow[]> {
  const { results } = await db
    .prepare(
      `SELECT subject, json_extract(payload, '$.template') AS template, status, attempts, last_error AS lastError, created_at AS createdAt, done_at AS doneAt
       FROM outbox WHERE kind = 'email' AND json_extract(payload, '$.order') = ? ORDER BY created_at, id`,
    )
    .bind(orderId)
    .all<OrderEmailRow>();
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
