import type Stripe from 'stripe';
import type { HandlerContext } from '../events/registry';
import { findOrderByPaymentIntent, saveLineItems, saveOrderTransition } from '../store/orders';
import { catalogProductsOf, lineItemsOf } from './line-items';
import { findProduct } from '../../site/catalog';
import { orderFromSession, productOf, type Order } from './order';
import { canTransition, statusesMovingInto, type OrderStatus } from './status';

/** Records the session's order in `status`, if the order may move there. */
export async function recordOrder(
  session: Stripe.Checkout.Session,
  status: 'pending' | 'payment_failed' | 'expired',
  { db, now }: HandlerContext,
): Promise<D1PreparedStatement[]> {
  const order = orderFromSession(session, status, now());
  return [saveOrderTransition(db, order, statusesMovingInto(status))];
}

/**
 * Fulfils a paid session: asks the seller's hook, then returns the guarded
 * transition to `fulfilled` carrying the hook's result. `stored` is the order
 * as last read: an already-fulfilled order is left alone, so the hook is not
 * called again on redelivery (the SQL guard covers reads that raced).
 */
export async function fulfilOrder(session: Stripe.Checkout.Session, stored: Order | null, context: HandlerContext): Promise<D1PreparedStatement[]> {
  if (stored && !canTransition(stored.status, 'fulfilled')) return [];
  const now = context.now();
  const order = orderFromSession(session, 'fulfilled', now);
  const lineItems = await lineItemsOf(session, context);
  const products = await catalogProductsOf(session, lineItems, context.db);
  const { deliveryToken } = await context.fulfil({ order, product: productOf(session), products, env: context.env, lineItems });
  return [
    saveOrderTransition(context.db, { ...order, deliveryToken, fulfilledAt: now }, statusesMovingInto('fulfilled')),
    ...saveLineItems(context.db, order.id, lineItems),
  ];
}

/**
 * Moves the order paid through `paymentIntent` to `refunded` or `disputed`,
 * calling the seller's revoke hook the first time its order is revoked.
 */
export async function revokeOrder(paymentIntent: string, status: 'refunded' | 'disputed', context: HandlerContext): Promise<D1PreparedStatement[]> {
  const stored = await findOrderByPaymentIntent(context.db, paymentIntent);
  if (!stored) {
    // Not bought through this shop (or not yet recorded: then Stripe's order of delivery wins, and the seller sees it in the ledger).
    console.warn(JSON.stringify({ msg: 'no order for payment intent', paymentIntent, status }));
    return [];
  }
  if (!canTransition(stored.status, status)) return [];
  const now = context.now();
  if (stored.revokedAt === null) {
    const product = stored.productId ? findProduct(stored.productId) : undefined;
    await context.revoke({ order: stored, product, env: context.env, reason: status });
  }
  return [saveOrderTransition(context.db, { ...stored, status, revokedAt: stored.revokedAt ?? now, updatedAt: now }, statusesMovingInto(status))];
}
