import type Stripe from 'stripe';
import { fulfilOrder, recordOrder } from '../orders/fulfilment';
import type { StripeEvent } from '../stripe/event';
import type { HandlerMap } from './registry';

const sessionOf = (event: StripeEvent) => {
  const session = event.data.object as unknown as Stripe.Checkout.Session;
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
