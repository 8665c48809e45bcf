// Stripe's advice: fulfil on the success-page landing too, not only on the
// webhook, so a late or lost webhook never leaves a paid buyer waiting. Both
// paths run the same idempotent fulfilment; the SQL guard keeps it to one.
import type Stripe from 'stripe';
import type { HandlerContext } from '../events/registry';
import { isStripeError, stripeClient } from '../stripe/client';
import { findOrder } from '../store/orders';
import { fulfilOrder, recordOrder } from './fulfilment';
import type { Order } from './order';

/** Looks the session up in Stripe and records what it finds; null when Stripe does not know it or it is still open. */
export async function recordFromStripe(sessionId: string, context: HandlerContext): Promise<Order | null> {
  const stripe = await stripeClient(context.env);
  if (!stripe) return null;
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId, { expand: ['line_items'] });
  } catch (error) {
    if (isStripeError(error) && error.statusCode === 404) return null;
    throw error;
  }
  const writes = await writesFor(session, context);
  if (writes.length === 0) return null;
  await context.db.batch(writes);
  return findOrder(context.db, sessionId);
}

function writesFor(session: Stripe.Checkout.Session, context: HandlerContext): Promise<D1PreparedStatement[]> | D1PreparedStatement[] {
  if (session.status === 'expired') return recordOrder(session, 'expired', context);
  if (session.status !== 'complete') return [];
  // The caller found no order for this session a moment ago.
  return session.payment_status === 'unpaid' ? recordOrder(session, 'pending', context) : fulfilOrder(session, null, context);
}
