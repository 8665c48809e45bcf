import type Stripe from 'stripe';
import type { HandlerContext } from '../platform/context';
import type { Effects } from '../store/commit';

/**
 * A handler computes an event's effects without writing anything: it may read
 * (the mirror, Stripe's API) but its writes are committed by the caller in one
 * batch with the ledger claim, and only if this delivery won it. It gets the
 * event as Stripe types it for its type, `data.object` and all.
 */
export type EventHandler<Type extends Stripe.Event.Type = Stripe.Event.Type> = (
  event: Extract<Stripe.Event, { type: Type }>,
  context: HandlerContext,
) => Promise<Effects> | Effects;

/** Handlers by event type, each typed by its own event. */
export type HandlerMap = { [Type in Stripe.Event.Type]?: EventHandler<Type> };
