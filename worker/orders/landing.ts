// Stripe's advice: fulfil on the success-page landing too, not only on the
// webhook, so a late or lost webhook never leaves a paid buyer waiting. Both
// paths run the same idempotent fulfilment; the SQL guard keeps it to one.
//
// Anyone can ask for any well-formed session id, and each unknown one costs a
// call on the shop's Stripe rate limit. So concurrent lookups of one id share
// one call, an answer of "unknown or still open" is remembered briefly, and each
// client may cause only so many calls a minute (per isolate: a bound, not a quota).
import type Stripe from 'stripe';
import type { Context } from '../platform/context';
import type { SellerHooks } from '../seller-hooks';
import { commit } from '../store/commit';
import { isStripeError, stripeClient } from '../stripe/client';
import { findOrder, type Order } from '../store/orders';
import { sessionEffects } from './order-events';

/** How long "Stripe does not know it, or it is still open" is believed without asking again. */
export const UNKNOWN_SESSION_TTL_MS = 10_000;
/** Stripe lookups one client may cause per minute. */
export const LOOKUPS_PER_CLIENT_PER_MINUTE = 30;

export type Lookup = { order: Order | null } | { refused: string };

const inflight = new Map<string, Promise<Order | null>>();
const unknownUntil = new Map<string, number>();
const budgets = new Map<string, { windowStart: number; used: number }>();

/** Looks the session up in Stripe and records what it finds: coalesced, briefly cached when unknown, bounded per client. */
export async function lookUpInStripe(sessionId: string, client: string, context: Context & SellerHooks): Promise<Lookup> {
  const now = context.now();
  const pending = inflight.get(sessionId);
  if (pending) return { order: await pending };
  if ((unknownUntil.get(sessionId) ?? 0) > now) return { order: null };
  if (!spend(client, now)) return { refused: `too many lookups of unknown orders from this client; try again in a minute` };

  const lookup = recordFromStripe(sessionId, context).finally(() => inflight.delete(sessionId));
  inflight.set(sessionId, lookup);
  const order = await lookup;
  if (!order) remember(sessionId, now + UNKNOWN_SESSION_TTL_MS);
  return { order };
}

function spend(client: string, now: number): boolean {
  let budget = budgets.get(client);
  if (!budget || now - budget.windowStart >= 60_000) {
    if (budgets.size > 10_000) budgets.clear();
    budget = { windowStart: now, used: 0 };
    budgets.set(client, budget);
  }
  if (budget.used >= LOOKUPS_PER_CLIENT_PER_MINUTE) return false;
  budget.used += 1;
  return true;
}

function remember(sessionId: string, until: number): void {
  if (unknownUntil.size > 10_000) unknownUntil.clear();
  unknownUntil.set(sessionId, until);
}

/** Null when Stripe does not know the session or it is still open. */
async function recordFromStripe(sessionId: string, context: Context & SellerHooks): Promise<Order | null> {
  const stripe = await stripeClient(context.env);
  if (!stripe) return null;
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
  } catch (error) {
    if (isStripeError(error) && error.statusCode === 404) return null;
    throw error;
  }
  // The webhook's own decision; null while the session is still open.
  const effects = await sessionEffects(session, context);
  if (!effects) return null;
  await commit(context, effects);
  return findOrder(context.db, sessionId);
}
