// Builds handlers for the mirrored families: each event's object is upserted
// with the event as its version; `*.deleted` events soft-delete.
import type Stripe from 'stripe';
import { tieBreak, upsertMirrored, type MirrorRow, type MirrorTable, type SyncVersion } from '../store/mirror';
import { stripeClient } from '../stripe/client';
import type { StripeEvent } from '../stripe/event';
import type { EventHandler, HandlerContext } from './registry';

export const versionOf = (event: StripeEvent): SyncVersion => ({ created: event.created, eventId: tieBreak(event.type, event.id) });

export type Retrieve<O> = (stripe: Stripe, id: string) => Promise<O>;

/**
 * The object to mirror: the event's snapshot, or — with STRIPE_REFETCH=true and
 * an API key — the object as Stripe has it now, versioned as of now. Deletions
 * are taken from the event: the object is gone.
 */
export async function objectToMirror<O>(event: StripeEvent, context: HandlerContext, retrieve: Retrieve<O>, deletes: boolean): Promise<{ object: O; version: SyncVersion }> {
  const stripe = context.env.STRIPE_REFETCH === 'true' && !deletes ? await stripeClient(context.env) : null;
  const id = event.data.object.id;
  if (!stripe || !id) return { object: event.data.object as unknown as O, version: versionOf(event) };
  const object = await retrieve(stripe, id);
  return { object, version: { created: Math.max(event.created, Math.floor(context.now() / 1000)), eventId: tieBreak(event.type, event.id) } };
}

export function mirrorHandler<T extends MirrorTable, O>(
  table: T,
  toRow: (object: O, deleted: boolean) => MirrorRow<T>,
  retrieve: Retrieve<O>,
  options: { deletes?: boolean } = {},
): EventHandler {
  const deletes = options.deletes ?? false;
  return async (event, context) => {
    const { object, version } = await objectToMirror(event, context, retrieve, deletes);
    return { writes: [upsertMirrored(context.db, table, toRow(object, deletes), version, context.now())] };
  };
}
