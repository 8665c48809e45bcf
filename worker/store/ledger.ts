import type Stripe from 'stripe';

/** What the ledger keeps of an event besides its payload. */
type LedgerEvent = Pick<Stripe.Event, 'id' | 'type' | 'created' | 'livemode'>;

export type LedgerStatus = 'received' | 'processed' | 'failed' | 'ignored';

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
        `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, processed_at, payload, note, claim_token)
         VALUES (?1, ?2, ?3, ?4, 'processed', 1, ?5, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET
           status = 'processed', attempts = stripe_events.attempts + 1, processed_at = excluded.processed_at,
           last_error = NULL, lease_until = NULL, note = excluded.note, claim_token = excluded.claim_token
         WHERE stripe_events.status IN ('failed', 'received')`,
      )
      .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, payload, note, token),
    db.prepare('INSERT INTO ledger_claim_won (event_id, claim_token) VALUES (?1, ?2)').bind(event.id, token),
  ];
}

export async function ledgerStatus(db: D1Database, eventId: string): Promise<LedgerStatus | null> {
  const row = await db.prepare('SELECT status FROM stripe_events WHERE id = ?').bind(eventId).first<{ status: LedgerStatus }>();
  return row?.status ?? null;
}

/** Events without a handler, or of the other Stripe mode, are kept too: the ledger is the record of everything Stripe sent. */
export async function recordIgnored(db: D1Database, event: LedgerEvent, payload: string, now: number, note: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, processed_at, payload, note)
       VALUES (?1, ?2, ?3, ?4, 'ignored', 1, ?5, ?5, ?6, ?7)
       ON CONFLICT (id) DO UPDATE SET attempts = stripe_events.attempts + 1`,
    )
    .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, payload, note)
    .run();
}

/** A failed handling, kept with its error so that Stripe's retry (or the seller) runs it again; a processed event stays processed. */
export async function recordFailed(db: D1Database, event: LedgerEvent, payload: string, now: number, error: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, payload, last_error)
       VALUES (?1, ?2, ?3, ?4, 'failed', 1, ?5, ?6, ?7)
       ON CONFLICT (id) DO UPDATE SET status = 'failed', attempts = stripe_events.attempts + 1, last_error = excluded.last_error
       WHERE stripe_events.status <> 'processed'`,
    )
    .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, payload, error.slice(0, 2000))
    .run();
}

/** A note decided in SQL: written after the claim, in the same batch, only when `condition` held. */
export function noteWhenNoOrderPaidBy(db: D1Database, eventId: string, paymentIntent: string, note: string): D1PreparedStatement {
  return db
    .prepare(`UPDATE stripe_events SET note = ?3 WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM orders WHERE payment_intent = ?2)`)
    .bind(eventId, paymentIntent, note);
}
