import { revokeOrder } from '../orders/order-events';
import { idOf } from '../stripe/expandable';
import type { HandlerMap } from './handler';

export const chargeHandlers: HandlerMap = {
  'charge.refunded': async (event, context) => {
    const charge = event.data.object;
    const paymentIntent = idOf(charge.payment_intent);
    // A partial refund leaves the order as it is: the buyer keeps what they paid for.
    if (!charge.refunded || !paymentIntent) return { writes: [] };
    return revokeOrder(paymentIntent, 'refunded', event.id, context);
  },
  'charge.dispute.created': async (event, context) => {
    const paymentIntent = idOf(event.data.object.payment_intent);
    return paymentIntent ? revokeOrder(paymentIntent, 'disputed', event.id, context) : { writes: [] };
  },
};
