// What the shop asks of Stripe, written once: the event types the webhook handles and the API
// version its code is written for. The worker's client pins the version; `npm run launch` and
// `npm start` subscribe the shop's webhook endpoint to exactly these types with this version;
// the doctor and the back office's Health page check the endpoint against both.
import type Stripe from 'stripe';

/** The version of the `stripe` package (23.x) the worker is written and typed for. */
export const STRIPE_API_VERSION = '2026-10-28.endive' satisfies Stripe.LatestApiVersion;

/** Every event type the webhook acts on; any other is recorded and ignored (test/worker/routes/handled-events.test.ts). */
export const HANDLED_EVENT_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'charge.refunded',
  'charge.dispute.created',
  'charge.dispute.closed',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.payment_action_required',
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
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
  'payment_link.created',
  'payment_link.updated',
] as const satisfies readonly (Stripe.Event.Type & Stripe.WebhookEndpointCreateParams.EnabledEvent)[];

export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];
