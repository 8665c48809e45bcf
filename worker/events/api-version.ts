// An event rendered at another Stripe API version than the one this worker is written for
// (a webhook endpoint created at an older version, an account upgrade) may carry an object
// of another shape: its object is refetched through the API, at the pinned version, before
// it is applied; when it cannot be, the event is held for the seller.
import type Stripe from 'stripe';
import { STRIPE_API_VERSION } from '../../contract/stripe-events';
import { MIRROR } from '../mirror/resources';
import type { Context } from '../platform/context';
import { stripeClient } from '../stripe/client';

export type PinnedEvent = { ok: true; event: Stripe.Event; note: string | null } | { ok: false; held: string };

/** What `last_error` of a held event starts with (the health page counts them). */
export const HELD_PREFIX = 'held: rendered at API version';

/** How the API gives the current object of an event, by the object's `object` field. */
const RETRIEVE: Record<string, (stripe: Stripe, id: string) => Promise<{ id: string }>> = {
  'checkout.session': (stripe, id) => stripe.checkout.sessions.retrieve(id),
  charge: (stripe, id) => stripe.charges.retrieve(id),
  dispute: (stripe, id) => stripe.disputes.retrieve(id),
  product: MIRROR.products.retrieve,
  price: MIRROR.prices.retrieve,
  customer: MIRROR.customers.retrieve,
  subscription: MIRROR.subscriptions.retrieve,
  payment_link: MIRROR.payment_links.retrieve,
};

/** The event as the worker can read it: unchanged at the pinned version, else with its object refetched at that version. */
export async function atPinnedVersion(event: Stripe.Event, context: Context): Promise<PinnedEvent> {
  const rendered = event.api_version;
  if (!rendered || rendered === STRIPE_API_VERSION) return { ok: true, event, note: null };
  const object = event.data.object as { id?: unknown; object?: unknown };
  // A deletion says only that the object is gone: its id is all the shop reads of it.
  if (event.type.endsWith('.deleted')) return { ok: true, event: { ...event, api_version: STRIPE_API_VERSION }, note: `rendered at API version ${rendered}: a deletion, applied by id` };
  const retrieve = typeof object.object === 'string' ? RETRIEVE[object.object] : undefined;
  const id = typeof object.id === 'string' ? object.id : null;
  const held = (why: string) => ({ ok: false as const, held: `${HELD_PREFIX} ${rendered}, the worker reads ${STRIPE_API_VERSION}: ${why}` });
  if (!retrieve || !id) return held(`no way to refetch a ${String(object.object)}; upgrade the webhook endpoint's API version`);
  const stripe = await stripeClient(context.env);
  if (!stripe) return held('set STRIPE_SECRET_KEY so it can be refetched, then retry it from the ledger');
  // A Stripe error is thrown: the webhook fails with 5xx and Stripe retries.
  const current = await retrieve(stripe, id);
  const refetched = { ...event, api_version: STRIPE_API_VERSION, data: { ...event.data, object: current } } as Stripe.Event;
  return { ok: true, event: refetched, note: `rendered at API version ${rendered}: its ${String(object.object)} refetched at ${STRIPE_API_VERSION}` };
}
