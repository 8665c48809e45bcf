// What an event does to an order, as writes for one D1 batch. Nothing here reads the
// stored order: every transition is guarded in SQL (worker/store/orders.ts), a refund
// or dispute that came first is applied by the same statement, and the side effects
// (delivery, revocation) are outbox rows that exist at most once per order.
import type Stripe from 'stripe';
import type { Product } from '../../catalog';
import { missingFileWarnings } from '../delivery/files';
import { licenceWrites } from '../delivery/licences';
import type { Effects, HandlerContext } from '../effects';
import { saveBuyerDetails } from '../store/buyer-details';
import { noteWhenNoOrderPaidBy } from '../store/ledger';
import { revokeByPaymentIntent, saveLineItems, saveOrderTransition, saveRevocation, type Revocation } from '../store/orders';
import { outboxDeliveredIfFulfilled, outboxRevokedIfRevoked } from '../store/outbox';
import { buyerDetailsOf } from './buyer-details';
import { contentsOf, lineItemsOf } from './line-items';
import { orderFromSession, productOf } from './order';
import { reviewReason } from './review';
import { MOVES_INTO, statusesMovingInto } from './status';

/** Records the session's order in `status`, if the order may move there. */
export async function recordOrder(session: Stripe.Checkout.Session, status: 'pending' | 'payment_failed' | 'expired', { db, now }: HandlerContext): Promise<Effects> {
  const order = orderFromSession(session, status, now());
  return {
    writes: [saveOrderTransition(db, order, MOVES_INTO), ...buyerDetailsWrites(db, session, order.updatedAt)],
    outbox: [outboxRevokedIfRevoked(db, { orderId: order.id }, order.updatedAt)],
  };
}

/**
 * Fulfils a paid session: checks it bought what the shop sells (else `review`),
 * asks the seller's pure `fulfil` hook what to record, and returns the guarded
 * transition to `fulfilled` with a delivery in the outbox. A redelivery, or a
 * second event for the same session, changes nothing: the order is no longer
 * pending and its delivery row already exists.
 */
export async function fulfilOrder(session: Stripe.Checkout.Session, context: HandlerContext): Promise<Effects> {
  const { db } = context;
  const now = context.now();
  const lineItems = await lineItemsOf(session, context);
  const contents = await contentsOf(session, lineItems, db);
  const reason = reviewReason({ currency: session.currency, amountSubtotal: session.amount_subtotal, lines: contents.priced, knownPrices: contents.knownPrices });
  if (reason) {
    console.warn(JSON.stringify({ msg: 'order held for review', order: session.id, reason }));
    const order = orderFromSession(session, 'review', now);
    return {
      writes: [saveOrderTransition(db, order, MOVES_INTO), ...saveLineItems(db, order.id, lineItems), ...buyerDetailsWrites(db, session, now)],
      outbox: [outboxRevokedIfRevoked(db, { orderId: order.id }, now)],
      note: `order ${session.id} held for review: ${reason}`,
    };
  }
  const order = orderFromSession(session, 'fulfilled', now);
  const { deliveryToken } = await context.fulfil({ order, product: productOf(session), products: contents.products, lineItems, env: context.env });
  const warnings = await deliveryWarnings(contents.products, context);
  if (warnings.length > 0) console.warn(JSON.stringify({ msg: 'fulfilled order has nothing to download', order: order.id, warnings }));
  return {
    writes: [
      saveOrderTransition(db, { ...order, deliveryToken, fulfilledAt: now }, MOVES_INTO),
      ...saveLineItems(db, order.id, lineItems),
      ...buyerDetailsWrites(db, session, now),
      // After the transition: each applies only if the batch left the order fulfilled.
      ...licenceWrites(db, order.id, contents.products, now),
    ],
    outbox: [outboxDeliveredIfFulfilled(db, order.id, now), outboxRevokedIfRevoked(db, { orderId: order.id }, now)],
    ...(warnings.length > 0 ? { note: `order ${order.id} fulfilled with a warning: ${warnings.join('; ')}` } : {}),
  };
}

/** The shipping address and phone the buyer gave, when the session carries any (seller-only). */
function buyerDetailsWrites(db: D1Database, session: Stripe.Checkout.Session, now: number): D1PreparedStatement[] {
  const details = buyerDetailsOf(session);
  return details ? [saveBuyerDetails(db, session.id, details, now)] : [];
}

/**
 * A digital product with no file to deliver still fulfils (the buyer paid; the seller can
 * send the file by hand), but the seller must hear of it: in the ledger's note and the log.
 */
async function deliveryWarnings(products: Product[], { env }: HandlerContext): Promise<string[]> {
  const bucket = env.FILES;
  const keys = products.filter((product) => product.digital).flatMap((product) => (product.files ?? []).map((file) => file.key));
  // Without a bucket bound (some tests, a shop not delivering files yet) only the catalog is checked.
  const heads = bucket ? await Promise.all(keys.map((key) => bucket.head(key))) : keys.map(() => true);
  const present = new Set(keys.filter((_, index) => heads[index]));
  return missingFileWarnings(products, (key) => present.has(key));
}

/**
 * A full refund or a dispute of the payment `paymentIntent`: moves its order to
 * `status` if it may move there, or — with no order yet — keeps the revocation so
 * the order is recorded revoked when it arrives.
 */
export function revokeOrder(paymentIntent: string, status: Revocation, eventId: string, { db, now }: HandlerContext): Effects {
  const at = now();
  const what = status === 'refunded' ? 'refund' : 'dispute';
  return {
    writes: [
      saveRevocation(db, paymentIntent, status, eventId, at),
      revokeByPaymentIntent(db, paymentIntent, status, statusesMovingInto(status), at),
      noteWhenNoOrderPaidBy(db, eventId, paymentIntent, `no order for ${paymentIntent} yet: the ${what} is kept and applied when it arrives`),
    ],
    outbox: [outboxRevokedIfRevoked(db, { paymentIntent }, at)],
  };
}
