import type Stripe from 'stripe';
import type { EventHandler, HandlerMap } from './handler';
import { chargeHandlers } from './charges';
import { checkoutHandlers } from './checkout';
import { customerHandlers } from './customers';
import { paymentLinkHandlers } from './payment-links';
import { priceHandlers } from './prices';
import { productHandlers } from './products';
import { subscriptionHandlers } from './subscriptions';

/** One entry per object family; each family file owns its event types. */
export const handlers: HandlerMap = {
  ...checkoutHandlers,
  ...chargeHandlers,
  ...productHandlers,
  ...priceHandlers,
  ...customerHandlers,
  ...subscriptionHandlers,
  ...paymentLinkHandlers,
};

/** The handler for `event`'s type, taking any event: the map pairs each type with its own. */
export function handlerFor(type: string): EventHandler | undefined {
  return Object.hasOwn(handlers, type) ? (handlers[type as Stripe.Event.Type] as EventHandler | undefined) : undefined;
}
