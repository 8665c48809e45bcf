import type Stripe from 'stripe';
import { fulfilOrder, recordOrder } from '../orders/fulfilment';
import type { Order } from '../orders/order';
import { orderIn, selectOrder } from '../store/orders';
import type { StripeEvent } from '../stripe/event';
import type { EventHandler, HandlerContext, HandlerMap } from './registry';

const sessionOf = (event: StripeEvent) => event.data.object as unknown as Stripe.Checkout.Session;

/** A handler that gets the session and its stored order, read in the same round trip as the ledger claim. */
function withStoredOrder(
  handle: (session: Stripe.Checkout.Session, stored: Order | null, context: HandlerContext) => Promise<D1PreparedStatement[]>,
): EventHandler {
  const handler: EventHandler = (event, context, [stored]) => handle(sessionOf(event), orderIn(stored), context);
  handler.prefetch = (event, db) => [selectOrder(db, sessionOf(event).id)];
  return handler;
}

export const checkoutHandlers: HandlerMap = {
  'checkout.session.completed': withStoredOrder((session, stored, context) =>
    // `unpaid` here means a delayed method (bank debit, voucher): wait for async_payment_*.
    session.payment_status === 'paid' || session.payment_status === 'no_payment_required'
      ? fulfilOrder(session, stored, context)
      : recordOrder(session, 'pending', context),
  ),
  'checkout.session.async_payment_succeeded': withStoredOrder((session, stored, context) => fulfilOrder(session, stored, context)),
  'checkout.session.async_payment_failed': (event, context) => recordOrder(sessionOf(event), 'payment_failed', context),
  'checkout.session.expired': (event, context) => recordOrder(sessionOf(event), 'expired', context),
};
