// What the worker is written for on Stripe's side: the API version its code reads (the Stripe
// client, `npm run launch`'s webhook endpoint and the docs all use this one constant), and
// the event types it acts on (the `case`s of worker/events/receive.ts's switch).

/** The version the `stripe` package this worker is built with pins (node_modules/stripe's ApiVersion). */
export const STRIPE_API_VERSION = '2026-10-28.endive';

export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'charge.dispute.created',
  'product.created',
  'product.updated',
  'product.deleted',
  'price.created',
  'price.updated',
  'price.deleted',
  'customer.created',
  'customer.updated',
  'customer.deleted',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'customer.subscription.deleted',
  'payment_link.created',
  'payment_link.updated',
] as const;

export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];
