import type Stripe from 'stripe';
import { LEDGER_STATUSES, type LedgerStatus } from '../../contract/api';
import type { Keyset } from './keyset';

/** What the ledger keeps of an event besides its payload. */
type LedgerEvent = Pick<Stripe.Event, 'id' | 'type' | 'created' | 'livemode'> & { data?: { object?: unknown } };

/**
 * The order an event belongs to, as the order's history looks it up: a Checkout Session's id,
 * or the payment intent of a charge, a dispute, or the intent itself. Null for everything else.
 */
export function orderKeyOf(event: LedgerEvent): string | null {
  const object = event.data?.object as { id?: unknown; payment_intent?: unknown } | undefined;
  if (!object) return null;
  if (typeof object.id === 'string' && (object.id.startsWith('cs_') || object.id.startsWith('pi_'))) return object.id;
  if (typeof object.payment_intent === 'string') return object.payment_intent;
  if (object.payment_intent && typeof (object.payment_intent as { id?: unknown }).id === 'string') return (object.payment_intent as { id: string }).id;
  return null;
}

/** D1's message when a batch's claim assertion fails: another delivery already processed the event. */
const ALREADY_CLAIMED = 'event already claimed';

export const isAlreadyClaimed = (error: unknown) => String(error instanceof Error ? error.message : error).includes(ALREADY_CLAIMED);

/**
 * The first two statements of an event's one batch: record the event as processed
 * under `token` — new, or re-taken after a failure — and assert that it was this
 * delivery that did so. When the assertion fails, D1 rolls the whole batch back, so
 * the handler's writes that follow apply only for the delivery that won.
 */
export function claimEvent(db: D1Database, event: LedgerEvent, payload: string, now: number, token: string, note: string | null): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, processed_at, payload, note, claim_token, order_key)
         VALUES (?1, ?2, ?3, ?4, 'processed', 1, ?5, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (id) DO UPDATE SET
           status = 'processed', attempts = stripe_events.attempts + 1, processed_at = excluded.processed_at,
           last_error = NULL, lease_until = NULL, note = excluded.note, claim_token = excluded.claim_token
         WHERE stripe_events.status IN ('failed', 'received')`,
      )
      .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, payload, note, token, orderKeyOf(event)),
    db.prepare('INSERT INTO ledger_claim_won (event_id, claim_token) VALUES (?1, ?2)').bind(event.id, token),
  ];
}

export async function ledgerStatus(db: D1Database, eventId: string): Promise<LedgerStatus | null> {
  const row = await db.prepare('SELECT status FROM stripe_events WHERE id = ?').bind(eventId).first<{ status: LedgerStatus }>();
  return row?.status ?? null;
}

/**
 * Events without a handler, or of the other Stripe mode, are kept too — the ledger is the record
 * of everything Stripe sent — by id, type, time and why; not their payload, which nothing will run.
 */
export function ignoredMark(db: D1Database, event: LedgerEvent, now: number, note: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, processed_at, payload, note, order_key)
       VALUES (?1, ?2, ?3, ?4, 'ignored', 1, ?5, ?5, NULL, ?6, ?7)
       ON CONFLICT (id) DO UPDATE SET attempts = stripe_events.attempts + 1`,
    )
    .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, note, orderKeyOf(event));
}

/** A failed handling, kept with its error so that Stripe's retry (or the seller) runs it again; a processed event stays processed. */
export async function recordFailed(db: D1Database, event: LedgerEvent, payload: string, now: number, error: string): Promise<void> {
  await failedMark(db, event, payload, now, error).run();
}

/** `recordFailed` as a statement, for a batch. */
export function failedMark(db: D1Database, event: LedgerEvent, payload: string, now: number, error: string): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, payload, last_error, order_key)
       VALUES (?1, ?2, ?3, ?4, 'failed', 1, ?5, ?6, ?7, ?8)
       ON CONFLICT (id) DO UPDATE SET status = 'failed', attempts = stripe_events.attempts + 1, last_error = excluded.last_error,
         payload = coalesce(stripe_events.payload, excluded.payload)
       WHERE stripe_events.status <> 'processed'`,
    )
    .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, payload, error.slice(0, 2000), orderKeyOf(event));
}

/** An event the queue gave up on: failed, its last error kept (a processed event stays processed). */
export async function markDeadLettered(db: D1Database, event: LedgerEvent, payload: string, now: number, attempts: number): Promise<void> {
  const reason = `dead-lettered after ${attempts} deliveries from the queue`;
  await db
    .prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, payload, last_error, order_key, dead_lettered_at)
       VALUES (?1, ?2, ?3, ?4, 'failed', 1, ?5, ?6, ?7, ?8, ?5)
       ON CONFLICT (id) DO UPDATE SET status = 'failed', last_error = ?7 || ': ' || coalesce(stripe_events.last_error, 'no error recorded'),
         payload = coalesce(stripe_events.payload, excluded.payload), dead_lettered_at = excluded.dead_lettered_at
       WHERE stripe_events.status <> 'processed'`,
    )
    .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, payload, reason, orderKeyOf(event))
    .run();
}

/** Which of `ids` the ledger holds as done (processed or ignored): one query for a whole queue batch. */
export async function doneAmong(db: D1Database, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { results } = await db
    .prepare(`SELECT id FROM stripe_events WHERE id IN (SELECT value FROM json_each(?1)) AND status IN ('processed', 'ignored')`)
    .bind(JSON.stringify(ids))
    .all<{ id: string }>();
  return new Set(results.map((row) => row.id));
}

/** A note decided in SQL: written after the claim, in the same batch, only when `condition` held. */
export function noteWhenNoOrderPaidBy(db: D1Database, eventId: string, paymentIntent: string, note: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE stripe_events SET note = ?3 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM orders WHERE payment_intent = ?2)
       AND NOT EXISTS (SELECT 1 FROM subscription_periods WHERE payment_intent = ?2)`,
    )
    .bind(eventId, paymentIntent, note);
}

/** Tells the seller that an invoice's subscription has no order here (yet): its period is kept and belongs to the order once it is recorded. */
export function noteWhenNoOrderForSubscription(db: D1Database, eventId: string, subscription: string, note: string): D1PreparedStatement {
  return db.prepare(`UPDATE stripe_events SET note = ?3 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM orders WHERE subscription = ?2)`).bind(eventId, subscription, note);
}

/**
 * Tells the seller that a refund or dispute was of a renewal's charge (a later period of a
 * subscription order, not the order's own payment): recorded against that period, the order kept.
 */
export function noteWhenRenewalPaidBy(db: D1Database, eventId: string, paymentIntent: string, what: string): D1PreparedStatement {
  const renewal = `FROM subscription_periods p JOIN orders o ON o.subscription = p.subscription
     WHERE p.payment_intent = ?2 AND p.billing_reason IS NOT 'subscription_create' AND o.payment_intent IS NOT ?2`;
  return db
    .prepare(
      `UPDATE stripe_events SET note = (SELECT 'the charge of renewal ' || p.invoice_id || ' of order ' || o.id || ' is ' || ?3
                                        || ': recorded against that period; the order keeps its access (cancel the subscription in Stripe to end it)' ${renewal} LIMIT 1)
       WHERE id = ?1 AND EXISTS (SELECT 1 ${renewal})`,
    )
    .bind(eventId, paymentIntent, what);
}

/**
 * Logs a move the state table refused (the order paid by `paymentIntent` is not in `status`
 * after the batch's move) in the event's note, so the seller sees why nothing changed.
 */
export function noteWhenMoveRefused(db: D1Database, eventId: string, paymentIntent: string, status: string): D1PreparedStatement {
  return db
    .prepare(
      `UPDATE stripe_events SET note = (SELECT 'order ' || id || ' is ' || status || ': the move to ' || ?3 || ' is not in the state table; refused'
                                        FROM orders WHERE payment_intent = ?2 AND status <> ?3 LIMIT 1)
       WHERE id = ?1 AND EXISTS (SELECT 1 FROM orders WHERE payment_intent = ?2 AND status <> ?3)`,
    )
    .bind(eventId, paymentIntent, status);
}

// ─── payload retention ──────────────────────────────────────────────────────

/**
 * Clears the payload of at most `limit` processed events received before `cutoff` (failed ones
 * keep theirs, for Retry; ignored ones have none), reading the ledger in order of arrival from the
 * previous run's mark: a run reads about `limit` rows (most events are processed), however long the ledger. Returns how many
 * were cleared. Two round trips.
 */
export async function clearExpiredPayloads(db: D1Database, cutoff: number, limit: number): Promise<number> {
  const mark = await db.prepare('SELECT cleared_before AS at FROM ledger_retention WHERE id = 1').first<{ at: number }>();
  const from = mark?.at ?? 0;
  if (from >= cutoff) return 0;
  const { results } = await db
    .prepare(
      `SELECT id, received_at AS receivedAt FROM stripe_events INDEXED BY stripe_events_by_received
       WHERE received_at >= ?1 AND received_at < ?2 AND status = 'processed' AND payload IS NOT NULL
       ORDER BY received_at, id LIMIT ?3`,
    )
    .bind(from, cutoff, limit)
    .all<{ id: string; receivedAt: number }>();
  // A full page may leave more at its last instant: the next run starts there, not after it.
  const reached = results.length === limit ? results[results.length - 1]!.receivedAt : cutoff;
  if (results.length === 0 && cutoff - from < 3_600_000) return 0;
  await db.batch([
    db
      .prepare(`UPDATE stripe_events SET payload = NULL WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'processed'`)
      .bind(JSON.stringify(results.map((row) => row.id))),
    db
      .prepare('INSERT INTO ledger_retention (id, cleared_before) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET cleared_before = excluded.cleared_before')
      .bind(reached),
  ]);
  return results.length;
}

// ─── the back office's reads ────────────────────────────────────────────────

/**
 * The condition of the index of events not processed (migrations/0022): SQLite reads a partial
 * index only for a WHERE that states its condition, which `status = 'failed'` alone does not.
 */
export const UNSETTLED = "status <> 'processed'";

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
  deadLetteredAt: number | null;
}

const LEDGER_COLUMNS = `id, type, status, attempts, last_error AS lastError, note, livemode, created, received_at AS receivedAt, processed_at AS processedAt,
  dead_lettered_at AS deadLetteredAt`;

/**
 * One page of the ledger older than `after`: all, by status, the dead-lettered (failed ones), or by
 * type. Processed events (most of them) are read in order of arrival; the others through the index
 * of unsettled events, which SQLite takes only when the WHERE says `status <> 'processed'`.
 */
export async function listEvents(db: D1Database, options: { status?: LedgerStatus; deadLettered?: boolean; type?: string; after?: Keyset; limit: number }): Promise<LedgerRow[]> {
  const after = options.after ?? { at: Number.MAX_SAFE_INTEGER, id: '' };
  const [filter, value] = options.deadLettered
    ? [`status = ?4 AND ${UNSETTLED} AND dead_lettered_at IS NOT NULL AND`, 'failed']
    : options.status
      ? [options.status === 'processed' ? 'status = ?4 AND' : `status = ?4 AND ${UNSETTLED} AND`, options.status]
      : options.type
        ? ['type = ?4 AND', options.type]
        : ['', null];
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
      `SELECT ${LEDGER_COLUMNS} FROM stripe_events WHERE order_key IN (?1, ?2) AND order_key IS NOT NULL
       ORDER BY received_at, id LIMIT 200`,
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
    .prepare(`SELECT id FROM stripe_events WHERE status = 'failed' AND ${UNSETTLED} ORDER BY received_at, id LIMIT ?`)
    .bind(limit)
    .all<{ id: string }>();
  return results.map((row) => row.id);
}

export type LedgerCounts = Record<LedgerStatus, number>;

/** Events by status: the unsettled ones counted by their index, the processed ones as all events but those. */
export async function ledgerCounts(db: D1Database): Promise<LedgerCounts> {
  const unsettled = LEDGER_STATUSES.filter((status) => status !== 'processed');
  const [all, ...counted] = await db.batch<{ n: number }>([
    db.prepare('SELECT count(*) AS n FROM stripe_events'),
    ...unsettled.map((status) => db.prepare(`SELECT count(*) AS n FROM stripe_events WHERE status = ? AND ${UNSETTLED}`).bind(status)),
  ]);
  const counts = Object.fromEntries(unsettled.map((status, i) => [status, counted[i]?.results[0]?.n ?? 0])) as LedgerCounts;
  counts.processed = (all?.results[0]?.n ?? 0) - unsettled.reduce((sum, status) => sum + counts[status], 0);
  return counts;
}

/** Failed events: few, counted through the index of unsettled events (what a retry leaves). */
export async function failedCount(db: D1Database): Promise<number> {
  const row = await db.prepare(`SELECT count(*) AS n FROM stripe_events WHERE status = 'failed' AND ${UNSETTLED}`).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Failed events the events queue dead-lettered: failed rows are few, read through the status index. */
export async function deadLetteredCount(db: D1Database): Promise<number> {
  const row = await db.prepare(`SELECT count(*) AS n FROM stripe_events WHERE status = 'failed' AND ${UNSETTLED} AND dead_lettered_at IS NOT NULL`).first<{ n: number }>();
  return row?.n ?? 0;
}

/** Ignored events by type: a dashboard endpoint that sends more than the shop handles shows here. */
export async function ignoredByType(db: D1Database): Promise<{ type: string; count: number }[]> {
  const { results } = await db
    .prepare(`SELECT type, count(*) AS count FROM stripe_events WHERE status = 'ignored' AND ${UNSETTLED} GROUP BY type ORDER BY count DESC, type LIMIT 100`)
    .all<{ type: string; count: number }>();
  return results;
}

export async function lastEvent(db: D1Database): Promise<{ id: string; type: string; receivedAt: number } | null> {
  return db.prepare('SELECT id, type, received_at AS receivedAt FROM stripe_events ORDER BY received_at DESC, id DESC LIMIT 1').first();
}

/** Failed events whose error starts with `prefix` (held events): failed rows are few, found by the status index. */
export async function failedCountWithError(db: D1Database, prefix: string): Promise<number> {
  const row = await db
    .prepare(`SELECT count(*) AS n FROM stripe_events WHERE status = 'failed' AND ${UNSETTLED} AND substr(last_error, 1, length(?1)) = ?1`)
    .bind(prefix)
    .first<{ n: number }>();
  return row?.n ?? 0;
}
