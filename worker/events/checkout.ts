import type Stripe from 'stripe';
import { fulfilOrder, recordOrder } from '../orders/fulfilment';
import type { HandlerMap } from './handler';

/** The session, checked for the one field a signed payload could still lack before it is used as a key. */
const sessionOf = (event: { data: { object: Stripe.Checkout.Session } }) => {
  const session = event.data.object;
  if (typeof session.id !== 'string') throw new Error('checkout session in the event has no id');
  return session;
};

export const checkoutHandlers: HandlerMap = {
  'checkout.session.completed': (event, context) => {
    const session = sessionOf(event);
    // `unpaid` here means a delayed method (bank debit, voucher): wait for async_payment_*.
    return session.payment_status === 'paid' || session.payment_status === 'no_payment_required'
      ? fulfilOrder(session, context)
      : recordOrder(session, 'pending', context);
  },
  'checkout.session.async_payment_succeeded': (event, context) => fulfilOrder(sessionOf(event), context),
  'checkout.session.async_payment_failed': (event, context) => recordOrder(sessionOf(event), 'payment_failed', context),
  'checkout.session.expired': (event, context) => recordOrder(sessionOf(event), 'expired', context),
};
