import type Stripe from 'stripe';
import { revokeOrder } from '../orders/fulfilment';
import { orderIn, selectOrderByPaymentIntent } from '../store/orders';
import { idOf } from '../stripe/expandable';
import type { StripeEvent } from '../stripe/event';
import type { EventHandler, HandlerMap } from './registry';

const chargeOf = (event: StripeEvent) => event.data.object as unknown as Stripe.Charge;
const disputeOf = (event: StripeEvent) => event.data.object as unknown as Stripe.Dispute;

const refunded: EventHandler = async (event, context, [stored]) => {
  const charge = chargeOf(event);
  const paymentIntent = idOf(charge.payment_intent);
  // A partial refund leaves the order as it is: the buyer keeps what they paid for.
  if (!charge.refunded || !paymentIntent) return { writes: [] };
  return revokeOrder(paymentIntent, 'refunded', event.id, orderIn(stored), context);
};
refunded.prefetch = (event, db) => [selectOrderByPaymentIntent(db, idOf(chargeOf(event).payment_intent))];

const disputed: EventHandler = async (event, context, [stored]) => {
  const paymentIntent = idOf(disputeOf(event).payment_intent);
  return paymentIntent ? revokeOrder(paymentIntent, 'disputed', event.id, orderIn(stored), context) : { writes: [] };
};
disputed.prefetch = (event, db) => [selectOrderByPaymentIntent(db, idOf(disputeOf(event).payment_intent))];

export const chargeHandlers: HandlerMap = {
  'charge.refunded': refunded,
  'charge.dispute.created': disputed,
};
