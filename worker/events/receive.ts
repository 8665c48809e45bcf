// The webhook's spine after HTTP: a delivery's signature is verified and its body decoded,
// then the event is handled at most once to completion, in one D1 round trip. Its effects
// are computed (the dispatch below: one `case` per event type, to the code of its family),
// then one batch claims the event, asserts the claim and commits the effects with their
// outbox rows. A duplicate delivery's batch fails its assertion and rolls back whole. A
// failure is recorded and answered with 5xx so that Stripe retries; a retry of a failed
// event runs again.
import type Stripe from 'stripe';
import { MIRROR } from '../mirror/resources';
import { mirrorEvent } from '../mirror/sync';
import { chargeRefunded, disputeClosed, disputeCreated, sessionEvent } from '../orders/order-events';
import { commaSeparated, shopMode } from '../platform/config';
import type { Context } from '../platform/context';
import { randomId } from '../platform/ids';
import { Refusal } from '../platform/refusal';
import type { SellerHooks } from '../seller-hooks';
import { commit, type Effects } from '../store/commit';
import { claimEvent, isAlreadyClaimed, ledgerStatus, recordFailed, recordIgnored } from '../store/ledger';
import { decodeEvent } from '../stripe/event';
import { verifySignature } from '../stripe/signature';

export type Outcome =
  | { status: 200; body: { received: true; outcome: 'processed' | 'ignored' | 'duplicate' } }
  | { status: 500; body: { error: string } };

/** A delivery as Stripe makes it: its raw body and its Stripe-Signature header. */
export async function receiveWebhook(payload: Uint8Array, signature: string | undefined, context: Context & SellerHooks): Promise<Outcome> {
  const secrets = commaSeparated(context.env.STRIPE_WEBHOOK_SECRET);
  // 500, not 400: the event is fine and Stripe should retry once the secret is set.
  if (secrets.length === 0) throw new Refusal(500, 'STRIPE_WEBHOOK_SECRET is not configured');
  const verdict = await verifySignature({ payload, header: signature, secrets, nowSeconds: Math.floor(context.now() / 1000) });
  if (!verdict.ok) throw new Refusal(400, verdict.reason);
  const body = new TextDecoder().decode(payload);
  const decoded = decodeEvent(body);
  if (!decoded.ok) throw new Refusal(400, decoded.reason);
  return receiveEvent(decoded.event, body, context);
}

/** A verified event (a delivery, a replay, the seller's retry), handled at most once to completion. */
export async function receiveEvent(event: Stripe.Event, payload: string, context: Context & SellerHooks): Promise<Outcome> {
  const { db } = context;
  const mode = shopMode(context.env);
  if (event.livemode !== (mode === 'live')) {
    // A test-mode secret beside the live one (the CLI's) must never fulfil a live shop's orders, nor the reverse.
    console.warn(JSON.stringify({ msg: 'event of the other mode ignored', event: event.id, type: event.type, mode }));
    await recordIgnored(db, event, payload, context.now(), `${event.livemode ? 'live' : 'test'}-mode event in a ${mode}-mode shop: not acted on`);
    return { status: 200, body: { received: true, outcome: 'ignored' } };
  }
  if (context.recentEvents.has(event.id)) return { status: 200, body: { received: true, outcome: 'duplicate' } };

  let effects: Effects | null;
  try {
    effects = await effectsOf(event, context);
    if (effects) {
      const claim = claimEvent(db, event, payload, context.now(), randomId(16), effects.note ?? null);
      await commit(context, effects, claim);
    }
  } catch (error) {
    if (isAlreadyClaimed(error)) {
      context.recentEvents.add(event.id);
      return { status: 200, body: { received: true, outcome: 'duplicate' } };
    }
    return failed(event, payload, error, context);
  }
  if (!effects) {
    await recordIgnored(db, event, payload, context.now(), 'no handler for this event type');
    return { status: 200, body: { received: true, outcome: 'ignored' } };
  }
  context.recentEvents.add(event.id);
  return { status: 200, body: { received: true, outcome: 'processed' } };
}

/** What each event type does: its effects, computed without writing; null for a type the shop does not handle. */
function effectsOf(event: Stripe.Event, context: Context & SellerHooks): Promise<Effects> | Effects | null {
  switch (event.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
    case 'checkout.session.async_payment_failed':
    case 'checkout.session.expired':
      return sessionEvent(event, context);
    case 'charge.refunded':
      return chargeRefunded(event, context);
    case 'charge.dispute.created':
      return disputeCreated(event, context);
    case 'charge.dispute.closed':
      return disputeClosed(event, context);
    case 'product.created':
    case 'product.updated':
      return mirrorEvent(MIRROR.products, event, context);
    case 'product.deleted':
      return mirrorEvent(MIRROR.products, event, context, { deleted: true });
    case 'price.created':
    case 'price.updated':
      return mirrorEvent(MIRROR.prices, event, context);
    case 'price.deleted':
      return mirrorEvent(MIRROR.prices, event, context, { deleted: true });
    case 'customer.created':
    case 'customer.updated':
      return mirrorEvent(MIRROR.customers, event, context);
    case 'customer.deleted':
      return mirrorEvent(MIRROR.customers, event, context, { deleted: true });
    case 'customer.subscription.created':
    case 'customer.subscription.updated':
    case 'customer.subscription.paused':
    case 'customer.subscription.resumed':
      return mirrorEvent(MIRROR.subscriptions, event, context);
    case 'customer.subscription.deleted':
      return mirrorEvent(MIRROR.subscriptions, event, context, { deleted: true });
    case 'payment_link.created':
    case 'payment_link.updated':
      return mirrorEvent(MIRROR.payment_links, event, context);
    default:
      return null;
  }
}

/** Recorded with its error for Stripe's retry (or the seller's); 5xx, unless the event was processed meanwhile. */
async function failed(event: Stripe.Event, payload: string, error: unknown, { db, now }: Context): Promise<Outcome> {
  const message = error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ msg: 'webhook event failed', event: event.id, type: event.type, error: message }));
  await recordFailed(db, event, payload, now(), message).catch((recordError: unknown) =>
    console.error(JSON.stringify({ msg: 'could not record event failure', event: event.id, error: String(recordError) })),
  );
  // A failed handling of an already-processed event (a duplicate whose handler threw) is still done.
  if ((await ledgerStatus(db, event.id).catch(() => null)) === 'processed') return { status: 200, body: { received: true, outcome: 'duplicate' } };
  return { status: 500, body: { error: `handling ${event.type} failed; Stripe will retry` } };
}
