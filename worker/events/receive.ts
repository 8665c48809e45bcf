import { changesCatalog } from '../storefront/live-catalog';
import { shopMode } from '../platform/config';
import { randomId } from '../platform/ids';
import { commit } from '../store/commit';
import { claimEvent, isAlreadyClaimed, ledgerStatus, recordFailed, recordIgnored } from '../store/ledger';
import { outboxCatalogRebuild } from '../store/outbox';
import type { StripeEvent } from '../stripe/event';
import { handlerFor } from './registry';
import type { HandlerContext } from '../platform/context';

/**
 * Product and price events within one window share one catalog rebuild, due when
 * the window closes (plus a grace for a batch still committing at that moment).
 */
export const CATALOG_REBUILD_WINDOW_MS = 5_000;
const CATALOG_REBUILD_GRACE_MS = 1_000;
export const catalogWindowEnd = (now: number) => (Math.floor(now / CATALOG_REBUILD_WINDOW_MS) + 1) * CATALOG_REBUILD_WINDOW_MS + CATALOG_REBUILD_GRACE_MS;

export type Outcome =
  | { status: 200; body: { received: true; outcome: 'processed' | 'ignored' | 'duplicate' } }
  | { status: 500; body: { error: string } };

/**
 * Handles one verified event at most once to completion, in one D1 round trip:
 * the handler computes its effects, then one batch claims the event, asserts the
 * claim and commits the effects with their outbox rows. A duplicate delivery's
 * batch fails its assertion and rolls back whole. A failure is recorded and
 * answered with 5xx so that Stripe retries; a retry of a failed event runs again.
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
  if (context.recentEvents.has(event.id)) return { status: 200, body: { received: true, outcome: 'duplicate' } };

  try {
    const effects = await handler(event, context);
    const now = context.now();
    const outbox = [...(effects.outbox ?? [])];
    if (changesCatalog(event.type)) outbox.push(outboxCatalogRebuild(db, catalogWindowEnd(now), now));
    const claim = claimEvent(db, event, payload, now, randomId(16), effects.note ?? null);
    try {
      await commit(context, { ...effects, outbox }, claim);
    } catch (error) {
      if (!isAlreadyClaimed(error)) throw error;
      context.recentEvents.add(event.id);
      return { status: 200, body: { received: true, outcome: 'duplicate' } };
    }
    context.recentEvents.add(event.id);
    return { status: 200, body: { received: true, outcome: 'processed' } };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(JSON.stringify({ msg: 'webhook event failed', event: event.id, type: event.type, error: message }));
    await recordFailed(db, event, payload, context.now(), message).catch((recordError: unknown) =>
      console.error(JSON.stringify({ msg: 'could not record event failure', event: event.id, error: String(recordError) })),
    );
    // A failed handling of an already-processed event (a duplicate whose handler threw) is still done.
    if ((await ledgerStatus(db, event.id).catch(() => null)) === 'processed') return { status: 200, body: { received: true, outcome: 'duplicate' } };
    return { status: 500, body: { error: `handling ${event.type} failed; Stripe will retry` } };
  }
}
