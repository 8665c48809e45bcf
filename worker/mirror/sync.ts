// Builds handlers for the mirrored families: each event's object is upserted
// with the event as its version; `*.deleted` events soft-delete.
import type Stripe from 'stripe';
import { tieBreak, upsertMirrored, type MirrorRow, type MirrorTable, type SyncVersion } from '../store/mirror';
import { stripeClient } from '../stripe/client';
import type { HandlerContext } from '../platform/context';
import type { Effects } from '../store/commit';

/** An event about a mirrored object `O`: a product, a price, a customer, a subscription, a Payment Link. */
export type MirrorEvent<O> = Pick<Stripe.Event, 'id' | 'type' | 'created'> & { data: { object: O } };

export const versionOf = (event: Pick<Stripe.Event, 'id' | 'type' | 'created'>): SyncVersion => ({ created: event.created, eventId: tieBreak(event.type, event.id) });

export type Retrieve<O> = (stripe: Stripe, id: string) => Promise<O>;

/**
 * The object to mirror: the event's snapshot, or — with STRIPE_REFETCH=true and
 * an API key — the object as Stripe has it now, versioned as of now. Deletions
 * are taken from the event: the object is gone.
 */
export async function objectToMirror<O extends { id: string }>(event: MirrorEvent<O>, context: HandlerContext, retrieve: Retrieve<O>, deletes: boolean): Promise<{ object: O; version: SyncVersion }> {
  const stripe = context.env.STRIPE_REFETCH === 'true' && !deletes ? await stripeClient(context.env) : null;
  const id = event.data.object.id;
  if (!stripe || !id) return { object: event.data.object, version: versionOf(event) };
  const object = await retrieve(stripe, id);
  return { object, version: { created: Math.max(event.created, Math.floor(context.now() / 1000)), eventId: tieBreak(event.type, event.id) } };
}

export function mirrorHandler<T extends MirrorTable, O extends { id: string }>(
  table: T,
  toRow: (object: O, deleted: boolean) => MirrorRow<T>,
  retrieve: Retrieve<O>,
  options: { deletes?: boolean } = {},
): (event: MirrorEvent<O>, context: HandlerContext) => Promise<Effects> {
  const deletes = options.deletes ?? false;
  return async (event, context) => {
    const { object, version } = await objectToMirror(event, context, retrieve, deletes);
    return { writes: [upsertMirrored(context.db, table, toRow(object, deletes), version, context.now())] };
  };
}
