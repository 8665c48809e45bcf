// The webhook's spine after HTTP: a delivery's signature is verified and its body decoded,
// then the event is handled at most once to completion, in one D1 round trip. Its effects
// are computed (the dispatch below: one `case` per event type, to the code of its family),
// then one batch claims the event, asserts the claim and commits the effects with their
// outbox rows. A duplicate delivery's batch fails its assertion and rolls back whole. A
// failure is recorded and answered with 5xx so that Stripe retries; a retry of a failed
// event runs again.
import type Stripe from 'stripe';
import { MIRROR } from '../mirror/resources';
import { atPinnedVersion } from './api-version';
import { mirrorEvent } from '../mirror/sync';
import { chargeRefunded, disputeClosed, disputeCreated, invoiceEvent, sessionEvent, subscriptionEnded } from '../orders/order-events';
import { commaSeparated, shopMode, webhookProcessing } from '../platform/config';
import type { EventMessage } from '../platform/env';
import type { Context } from '../platform/context';
import { randomId } from '../platform/ids';
import { Refusal } from '../platform/refusal';
import type { SellerHooks } from '../seller-hooks';
import { commit, type Commitment, type Effects } from '../store/commit';
import { claimEvent, failedMark, ignoredMark, isAlreadyClaimed, ledgerStatus, recordFailed } from '../store/ledger';
import { decodeEvent } from '../stripe/event';
import { verifySignature } from '../stripe/signature';

/** What a delivery is answered: an event handled on the request, or one queued for its group commit. */
export type Outcome = EventOutcome | { status: 200; body: { received: true; outcome: 'queued' } };

export type EventOutcome =
  | { status: 200; body: { received: true; outcome: 'processed' | 'ignored' | 'duplicate' | 'held' } }
  | { status: 500; body: { error: string } };

/**
 * A queue message holds at most 128 KB; Stripe's events may reach 1 MiB. An event above this
 * (with room for the message's own framing) is committed on the request, as in `sync` mode.
 */
export const MAX_QUEUED_EVENT_BYTES = 120 * 1024;

/**
 * A delivery as Stripe makes it: its raw body and its Stripe-Signature header. In `queue` mode
 * a verified event is answered as soon as the queue holds it (worker/events/consume.ts commits
 * it); a send that fails is a 5xx, so Stripe retries: nothing is acknowledged that is not queued.
 */
export async function receiveWebhook(payload: Uint8Array, signature: string | undefined, context: Context & SellerHooks): Promise<Outcome> {
  const secrets = commaSeparated(context.env.STRIPE_WEBHOOK_SECRET);
  // 500, not 400: the event is fine and Stripe should retry once the secret is set.
  if (secrets.length === 0) throw new Refusal(500, 'STRIPE_WEBHOOK_SECRET is not configured');
  const verdict = await verifySignature({ payload, header: signature, secrets, nowSeconds: Math.floor(context.now() / 1000) });
  if (!verdict.ok) throw new Refusal(400, verdict.reason);
  const body = new TextDecoder().decode(payload);
  const decoded = decodeEvent(body);
  if (!decoded.ok) throw new Refusal(400, decoded.reason);
  const queue = context.env.EVENTS;
  if (queue && webhookProcessing(context.env) === 'queue' && payload.byteLength <= MAX_QUEUED_EVENT_BYTES) {
    try {
      await queue.send({ payload: body } satisfies EventMessage);
    } catch (error) {
      console.error(JSON.stringify({ msg: 'webhook event not queued; Stripe will retry', event: decoded.event.id, error: String(error) }));
      return { status: 500, body: { error: `queueing ${decoded.event.type} failed; Stripe will retry` } };
    }
    return { status: 200, body: { received: true, outcome: 'queued' } };
  }
  return receiveEvent(decoded.event, body, context);
}

/** A verified event (a delivery, a replay, the seller's retry), handled at most once to completion. */
export async function receiveEvent(event: Stripe.Event, payload: string, context: Context & SellerHooks): Promise<EventOutcome> {
  if (event.livemode === (shopMode(context.env) === 'live') && context.recentEvents.has(event.id)) {
    return { status: 200, body: { received: true, outcome: 'duplicate' } };
  }
  const handling = await handlingOf(event, payload, context);
  if (handling.outcome === 'failed') return failed(event, payload, handling.error, context);
  try {
    await commit(context, handling.effects, handling.claim);
  } catch (error) {
    if (isAlreadyClaimed(error)) {
      context.recentEvents.add(event.id);
      return { status: 200, body: { received: true, outcome: 'duplicate' } };
    }
    return failed(event, payload, error, context);
  }
  if (handling.outcome === 'processed') context.recentEvents.add(event.id);
  return { status: 200, body: { received: true, outcome: handling.outcome } };
}

/**
 * What an event comes to, decided without writing — the one decision both the request
 * (`receiveEvent`) and the queue's group commit (consume.ts) make: its claim and effects to
 * commit, an ignored mark, or the error its handler threw.
 */
export type Handling =
  | (Commitment & { outcome: 'processed' | 'ignored' | 'held'; claim: D1PreparedStatement[] })
  | { outcome: 'failed'; error: unknown };

export async function handlingOf(event: Stripe.Event, payload: string, context: Context & SellerHooks): Promise<Handling> {
  const { db } = context;
  const mode = shopMode(context.env);
  if (event.livemode !== (mode === 'live')) {
    // A test-mode secret beside the live one (the CLI's) must never fulfil a live shop's orders, nor the reverse.
    console.warn(JSON.stringify({ msg: 'event of the other mode ignored', event: event.id, type: event.type, mode }));
    const note = `${event.livemode ? 'live' : 'test'}-mode event in a ${mode}-mode shop: not acted on`;
    return { outcome: 'ignored', effects: { writes: [] }, claim: [ignoredMark(db, event, context.now(), note)] };
  }
  let effects: Effects | null;
  let note: string | null;
  try {
    // An event rendered at another API version is read at the pinned one (worker/events/api-version.ts).
    const pinned = await atPinnedVersion(event, context);
    if (!pinned.ok) {
      // Held, not retried by Stripe: only the seller (a key, a retry from the ledger) can change the answer.
      console.error(JSON.stringify({ msg: 'webhook event held: other API version', event: event.id, type: event.type, error: pinned.held }));
      return { outcome: 'held', effects: { writes: [] }, claim: [failedMark(db, event, payload, context.now(), pinned.held)] };
    }
    effects = await effectsOf(pinned.event, context);
    note = [effects?.note, pinned.note].filter(Boolean).join('; ') || null;
  } catch (error) {
    return { outcome: 'failed', error };
  }
  if (!effects) return { outcome: 'ignored', effects: { writes: [] }, claim: [ignoredMark(db, event, context.now(), 'no handler for this event type')] };
  return { outcome: 'processed', effects, claim: claimEvent(db, event, payload, context.now(), randomId(16), note) };
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
    case 'invoice.paid':
    case 'invoice.payment_failed':
    case 'invoice.payment_action_required':
      return invoiceEvent(event, context);
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
      return both(mirrorEvent(MIRROR.subscriptions, event, context, { deleted: true }), subscriptionEnded(event, context));
    case 'payment_link.created':
    case 'payment_link.updated':
      return mirrorEvent(MIRROR.payment_links, event, context);
    default:
      return null;
  }
}

/** Two handlers' effects for one event, committed together. */
async function both(first: Promise<Effects> | Effects, second: Promise<Effects> | Effects): Promise<Effects> {
  const [a, b] = await Promise.all([first, second]);
  const note = [a.note, b.note].filter(Boolean).join('; ');
  return { writes: [...a.writes, ...b.writes], outbox: [...(a.outbox ?? []), ...(b.outbox ?? [])], ...(note ? { note } : {}) };
}

/** Recorded with its error for Stripe's retry (or the seller's); 5xx, unless the event was processed meanwhile. */
async function failed(event: Stripe.Event, payload: string, error: unknown, { db, now }: Context): Promise<EventOutcome> {
  const message = error instanceof Error ? error.message : String(error);
  console.error(JSON.stringify({ msg: 'webhook event failed', event: event.id, type: event.type, error: message }));
  await recordFailed(db, event, payload, now(), message).catch((recordError: unknown) =>
    console.error(JSON.stringify({ msg: 'could not record event failure', event: event.id, error: String(recordError) })),
  );
  // A failed handling of an already-processed event (a duplicate whose handler threw) is still done.
  if ((await ledgerStatus(db, event.id).catch(() => null)) === 'processed') return { status: 200, body: { received: true, outcome: 'duplicate' } };
  return { status: 500, body: { error: `handling ${event.type} failed; Stripe will retry` } };
}
