import type Stripe from 'stripe';
import type { Effects, HandlerContext } from '../events/registry';
import {
  applyRecordedRevocation,
  revokeByPaymentIntent,
  saveLineItems,
  saveOrderTransition,
  saveRevocation,
  type Revocation,
} from '../store/orders';
import { contentsOf, lineItemsOf } from './line-items';
import { findProduct } from '../../site/catalog';
import { orderFromSession, productOf, type Order } from './order';
import { reviewReason } from './review';
import { canTransition, statusesMovingInto } from './status';

/** What the handler read with the ledger claim: the order as stored, and a refund or dispute that came first. */
export interface Stored {
  order: Order | null;
  revocation: Revocation | null;
}

const REVOCATION_GUARDS = { refunded: statusesMovingInto('refunded'), disputed: statusesMovingInto('disputed') };

/** Records the session's order in `status`, if the order may move there. */
export async function recordOrder(
  session: Stripe.Checkout.Session,
  status: 'pending' | 'payment_failed' | 'expired',
  context: HandlerContext,
  stored: Stored = { order: null, revocation: null },
): Promise<Effects> {
  if (stored.revocation) return revokedOnArrival(session, stored, stored.revocation, context);
  const now = context.now();
  const order = orderFromSession(session, status, now);
  return { writes: [saveOrderTransition(context.db, order, statusesMovingInto(status)), applyRecordedRevocation(context.db, order.id, REVOCATION_GUARDS, now)] };
}

/**
 * Fulfils a paid session: checks it bought what the shop sells (else `review`),
 * asks the seller's hook, then returns the guarded transition to `fulfilled`
 * carrying the hook's result. An already-fulfilled order is left alone, so the
 * hook is not called again on redelivery (the SQL guard covers reads that raced).
 */
export async function fulfilOrder(session: Stripe.Checkout.Session, stored: Stored, context: HandlerContext): Promise<Effects> {
  if (stored.revocation) return revokedOnArrival(session, stored, stored.revocation, context);
  if (stored.order && !canTransition(stored.order.status, 'fulfilled')) return { writes: [] };
  const { db } = context;
  const now = context.now();
  const lineItems = await lineItemsOf(session, context);
  const contents = await contentsOf(session, lineItems, db);
  const reason = reviewReason({ currency: session.currency, amountSubtotal: session.amount_subtotal, lines: contents.priced, knownPrices: contents.knownPrices });
  if (reason) {
    console.warn(JSON.stringify({ msg: 'order held for review', order: session.id, reason }));
    const order = orderFromSession(session, 'review', now);
    return {
      writes: [saveOrderTransition(db, order, statusesMovingInto('review')), ...saveLineItems(db, order.id, lineItems), applyRecordedRevocation(db, order.id, REVOCATION_GUARDS, now)],
      note: `order ${session.id} held for review: ${reason}`,
    };
  }
  const order = orderFromSession(session, 'fulfilled', now);
  const { deliveryToken } = await context.fulfil({ order, product: productOf(session), products: contents.products, env: context.env, lineItems });
  return {
    writes: [
      saveOrderTransition(db, { ...order, deliveryToken, fulfilledAt: now }, statusesMovingInto('fulfilled')),
      ...saveLineItems(db, order.id, lineItems),
      applyRecordedRevocation(db, order.id, REVOCATION_GUARDS, now),
    ],
  };
}

/**
 * The order's refund or dispute was delivered before the order: record it straight
 * as revoked, never fulfil it, and tell the seller's revoke hook once.
 */
async function revokedOnArrival(session: Stripe.Checkout.Session, stored: Stored, status: Revocation, context: HandlerContext): Promise<Effects> {
  if (stored.order && !canTransition(stored.order.status, status)) return { writes: [] };
  const { db } = context;
  const now = context.now();
  const order: Order = { ...orderFromSession(session, status, now), revokedAt: stored.order?.revokedAt ?? now };
  if (!stored.order?.revokedAt) await context.revoke({ order, product: productOf(session), env: context.env, reason: status });
  const lineItems = await lineItemsOf(session, context);
  return {
    writes: [saveOrderTransition(db, order, statusesMovingInto(status)), ...saveLineItems(db, order.id, lineItems)],
    note: `order ${session.id} recorded as ${status}: the ${status === 'refunded' ? 'refund' : 'dispute'} arrived before the payment`,
  };
}

/**
 * Moves the order paid through `paymentIntent` to `refunded` or `disputed`,
 * calling the seller's revoke hook the first time its order is revoked. With no
 * order yet, the revocation is kept and applied when the order arrives.
 */
export async function revokeOrder(paymentIntent: string, status: Revocation, eventId: string, stored: Order | null, context: HandlerContext): Promise<Effects> {
  const { db } = context;
  const now = context.now();
  const writes = [saveRevocation(db, paymentIntent, status, eventId, now), revokeByPaymentIntent(db, paymentIntent, status, statusesMovingInto(status), now)];
  if (!stored) {
    console.warn(JSON.stringify({ msg: 'no order for payment intent yet: revocation kept', paymentIntent, status }));
    return { writes, note: `no order for ${paymentIntent} yet: the ${status === 'refunded' ? 'refund' : 'dispute'} is kept and applied when it arrives` };
  }
  if (!canTransition(stored.status, status)) return { writes };
  if (stored.revokedAt === null) {
    const product = stored.productId ? findProduct(stored.productId) : undefined;
    await context.revoke({ order: stored, product, env: context.env, reason: status });
  }
  return { writes };
}
