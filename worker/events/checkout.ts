import type Stripe from 'stripe';
import type { HandlerContext } from '../effects';
import { fulfilOrder, recordOrder } from '../orders/fulfilment';
import { paymentIntentOf } from '../orders/payment-intent';
import type { HandlerMap } from './handler';

/** The session, checked for the one field a signed payload could still lack before it is used as a key. */
const sessionOf = (event: { data: { object: Stripe.Checkout.Session } }) => {
  const session = event.data.object;
  if (typeof session.id !== 'string') throw new Error('checkout session in the event has no id');
  return session;
};

/** The session with the PaymentIntent that paid it, also for a subscription (paid through its first invoice). */
const paidSession = async (event: { data: { object: Stripe.Checkout.Session } }, context: HandlerContext) => {
  const session = sessionOf(event);
  return { ...session, payment_intent: await paymentIntentOf(session, context) };
};

export const checkoutHandlers: HandlerMap = {
  'checkout.session.completed': async (event, context) => {
    const session = await paidSession(event, context);
    // `unpaid` here means a delayed method (bank debit, voucher): wait for async_payment_*.
    return session.payment_status === 'paid' || session.payment_status === 'no_payment_required'
      ? fulfilOrder(session, context)
      : recordOrder(session, 'pending', context);
  },
  'checkout.session.async_payment_succeeded': async (event, context) => fulfilOrder(await paidSession(event, context), context),
  'checkout.session.async_payment_failed': (event, context) => recordOrder(sessionOf(event), 'payment_failed', context),
  'checkout.session.expired': (event, context) => recordOrder(sessionOf(event), 'expired', context),
};
