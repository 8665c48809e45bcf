import { sessionEffects } from '../orders/order-events';
import type { HandlerMap } from './handler';

export const checkoutHandlers: HandlerMap = {
  'checkout.session.completed': (event, context) => sessionEffects(event.data.object, context, event.type),
  'checkout.session.async_payment_succeeded': (event, context) => sessionEffects(event.data.object, context, event.type),
  'checkout.session.async_payment_failed': (event, context) => sessionEffects(event.data.object, context, event.type),
  'checkout.session.expired': (event, context) => sessionEffects(event.data.object, context, event.type),
};
