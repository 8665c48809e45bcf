import type Stripe from 'stripe';
import type { HandlerContext } from '../events/registry';
import { findOrder, saveOrderTransition } from '../store/orders';
import { orderFromSession, productOf } from './order';
import { canTransition, statusesMovingInto, type OrderStatus } from './status';

/** Records the session's order in `status`, if the order may move there. */
export async function recordOrder(
  session: Stripe.Checkout.Session,
  status: Exclude<OrderStatus, 'fulfilled'>,
  { db, now }: HandlerContext,
): Promise<D1PreparedStatement[]> {
  const order = orderFromSession(session, status, now());
  return [saveOrderTransition(db, order, statusesMovingInto(status))];
}

/**
 * Fulfils a paid session: asks the seller's hook, then returns the guarded
 * transition to `fulfilled` carrying the hook's result. Already-fulfilled
 * orders are left alone, so the hook is not called again on redelivery.
 */
export async function fulfilOrder(session: Stripe.Checkout.Session, context: HandlerContext): Promise<D1PreparedStatement[]> {
  const stored = await findOrder(context.db, session.id);
  if (stored && !canTransition(stored.status, 'fulfilled')) return [];
  const now = context.now();
  const order = orderFromSession(session, 'fulfilled', now);
  const { deliveryToken } = await context.fulfil({ order, product: productOf(session), env: context.env });
  return [saveOrderTransition(context.db, { ...order, deliveryToken, fulfilledAt: now }, statusesMovingInto('fulfilled'))];
}
