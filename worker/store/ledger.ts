import type { StripeEvent } from '../stripe/event';

export type LedgerStatus = 'received' | 'processed' | 'failed' | 'ignored';

export type Claim = { claimed: true; attempts: number; prefetched: D1Result[] } | { claimed: false; status: LedgerStatus };

/**
 * Takes the right to process `event`: records it as `received` with a lease, or
 * re-takes a row that failed or whose lease lapsed (its worker died). Exactly one
 * of any number of concurrent deliveries gets `claimed: true`. `reads` run in the
 * same batch (one transaction, one round trip) and come back as `prefetched`.
 */
export async function claimEvent(
  db: D1Database,
  event: StripeEvent,
  payload: string,
  now: number,
  leaseMs: number,
  reads: D1PreparedStatement[] = [],
): Promise<Claim> {
  const claim = db
    .prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, lease_until, received_at, payload)
       VALUES (?1, ?2, ?3, ?4, 'received', 1, ?5, ?6, ?7)
       ON CONFLICT (id) DO UPDATE SET
         status = 'received', attempts = stripe_events.attempts + 1, lease_until = excluded.lease_until
       WHERE stripe_events.status = 'failed'
          OR (stripe_events.status = 'received' AND stripe_events.lease_until <= excluded.received_at)
       RETURNING attempts`,
    )
    .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now + leaseMs, now, payload);
  const [claimed, ...prefetched] = await db.batch<{ attempts: number }>([claim, ...reads]);
  const row = claimed?.results[0];
  if (row) return { claimed: true, attempts: row.attempts, prefetched };
  const existing = await db.prepare('SELECT status FROM stripe_events WHERE id = ?').bind(event.id).first<{ status: LedgerStatus }>();
  // The row cannot vanish (nothing deletes from the ledger), so a miss here is a broken database.
  if (!existing) throw new Error(`ledger row for ${event.id} neither inserted nor found`);
  return { claimed: false, status: existing.status };
}

/** Events without a handler are kept too: the ledger is the record of everything Stripe sent. */
export async function recordIgnored(db: D1Database, event: StripeEvent, payload: string, now: number, note: string): Promise<void> {
  await db
    .prepare(
      `INSERT INTO stripe_events (id, type, created, livemode, status, attempts, received_at, processed_at, payload, note)
       VALUES (?1, ?2, ?3, ?4, 'ignored', 1, ?5, ?5, ?6, ?7)
       ON CONFLICT (id) DO UPDATE SET attempts = stripe_events.attempts + 1`,
    )
    .bind(event.id, event.type, event.created, event.livemode ? 1 : 0, now, payload, note)
    .run();
}

/** Committed in the same batch as the handler's writes: both land or neither does. */
export function markProcessed(db: D1Database, eventId: string, now: number, note: string | null = null): D1PreparedStatement {
  return db
    .prepare(`UPDATE stripe_events SET status = 'processed', processed_at = ?2, last_error = NULL, lease_until = NULL, note = ?3 WHERE id = ?1`)
    .bind(eventId, now, note);
}

export async function markFailed(db: D1Database, eventId: string, error: string): Promise<void> {
  await db
    .prepare(`UPDATE stripe_events SET status = 'failed', last_error = ?2, lease_until = NULL WHERE id = ?1`)
    .bind(eventId, error.slice(0, 2000))
    .run();
}
