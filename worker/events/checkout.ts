import type Stripe from 'stripe';
import { fulfilOrder, recordOrder, type Stored } from '../orders/fulfilment';
import { orderIn, revocationIn, selectOrder, selectRevocation } from '../store/orders';
import { idOf } from '../stripe/expandable';
import type { StripeEvent } from '../stripe/event';
import type { Effects, EventHandler, HandlerContext, HandlerMap } from './registry';

const sessionOf = (event: StripeEvent) => event.data.object as unknown as Stripe.Checkout.Session;

/**
 * A handler that gets the session, its stored order and any refund or dispute that
 * came first, read in the same round trip as the ledger claim.
 */
function withStoredOrder(handle: (session: Stripe.Checkout.Session, stored: Stored, context: HandlerContext) => Promise<Effects>): EventHandler {
  const handler: EventHandler = (event, context, [order, revocation]) =>
    handle(sessionOf(event), { order: orderIn(order), revocation: revocationIn(revocation) }, context);
  handler.prefetch = (event, db) => {
    const session = sessionOf(event);
    if (typeof session.id !== 'string') throw new Error('checkout session in the event has no id');
    return [selectOrder(db, session.id), selectRevocation(db, idOf(session.payment_intent))];
  };
  return handler;
}

export const checkoutHandlers: HandlerMap = {
  'checkout.session.completed': withStoredOrder((session, stored, context) =>
    // `unpaid` here means a delayed method (bank debit, voucher): wait for async_payment_*.
    session.payment_status === 'paid' || session.payment_status === 'no_payment_required'
      ? fulfilOrder(session, stored, context)
      : recordOrder(session, 'pending', context, stored),
  ),
  'checkout.session.async_payment_succeeded': withStoredOrder((session, stored, context) => fulfilOrder(session, stored, context)),
  'checkout.session.async_payment_failed': (event, context) => recordOrder(sessionOf(event), 'payment_failed', context),
  'checkout.session.expired': (event, context) => recordOrder(sessionOf(event), 'expired', context),
};
