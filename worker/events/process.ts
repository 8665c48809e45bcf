import { changesCatalog, refreshCatalog } from '../catalog/live';
import { shopMode } from '../config';
import { claimEvent, markFailed, markProcessed, recordIgnored } from '../store/ledger';
import type { StripeEvent } from '../stripe/event';
import { handlerFor, type HandlerContext } from './registry';

/** How long one delivery may hold an event before a redelivery may take it over. */
export const EVENT_LEASE_MS = 30_000;

export type Outcome =
  | { status: 200; body: { received: true; outcome: 'processed' | 'ignored' | 'duplicate' } }
  | { status: 409 | 500; body: { error: string } };

/**
 * Handles one verified event at most once to completion. A failure is recorded
 * and answered with 5xx so that Stripe retries; a retry of a failed event runs
 * again, a retry of a processed or ignored one does nothing.
 */
export async function receiveEvent(event: StripeEvent, payload: string, context: HandlerContext): Promise<Outcome> {
  const { db } = context;
  const mode = shopMode(context.env);
  if (event.livemode !== (mode === 'live')) {
    // A test-mode secret beside the live one (the CLI's) must never fulfil a live shop's orders, nor the reverse.
    const note = `${event.livemode ? 'live' : 'test'}-mode event in a ${mode}-mode shop: not acted on`;
    console.warn(JSON.stringify({ msg: 'event of the other mode ignored', event: event.id, type: event.type, mode }));
    await recordIgnored(db, event, payload, context.now(), note);
    return { status: 200, body: { received: true, outcome: 'ignored' } };
  }
  const handler = handlerFor(event.type);
  if (!handler) {
    await recordIgnored(db, event, payload, context.now(), 'no handler for this event type');
    return { status: 200, body: { received: true, outcome: 'ignored' } };
  }

  // A malformed object (a session without an id) must still leave a ledger row: the
  // prefetch's failure is kept and reported as the handling's failure, after the claim.
  let reads: D1PreparedStatement[] = [];
  let prefetchError: unknown = null;
  try {
    reads = handler.prefetch?.(event, db) ?? [];
  } catch (error) {
    prefetchError = error;
  }
  const claim = await claimEvent(db, event, payload, context.now(), EVENT_LEASE_MS, reads);
  if (!claim.claimed) {
    if (claim.status === 'received') {
      return { status: 409, body: { error: `event ${event.id} is being processed by another delivery; retry later` } };
    }
    return { status: 200, body: { received: true, outcome: 'duplicate' } };
  }

  try {
    if (prefetchError) throw prefetchError;
    const { writes, note } = await handler(event, context, claim.prefetched);
    await db.batch([...writes, markProcessed(db, event.id, context.now(), note)]);
    if (changesCatalog(event.type)) context.waitUntil(refreshCatalog(context.env));
    return { status: 200, body: { received: true, outcome: 'processed' } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(JSON.stringify({ msg: 'webhook event failed', event: event.id, type: event.type, attempt: claim.attempts, error: message }));
    await markFailed(db, event.id, message).catch((markError: unknown) =>
      console.error(JSON.stringify({ msg: 'could not mark event failed', event: event.id, error: String(markError) })),
    );
    return { status: 500, body: { error: `handling ${event.type} failed; Stripe will retry` } };
  }
}
