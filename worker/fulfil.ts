// The seller's fulfilment hook: what happens once an order is paid. Replace the
// default with your own (send the file, notify the warehouse, grant access).
//
// Contract: the worker calls it before committing the order as fulfilled and
// records what it returns in the same transaction. If it throws, nothing is
// recorded, the event is marked failed and Stripe's retry calls it again. It
// is called once per delivery of a paid session; should two different events
// for the same session race (rare), only one result is recorded, so make any
// external side effect idempotent on `order.id` (e.g. as an Idempotency-Key).
import type { Product } from '../site/catalog';
import type { Env } from './env';
import { randomId } from './ids';
import type { Order } from './orders/order';
import type { LineItem } from './store/orders';

export interface FulfilmentRequest {
  order: Order;
  /** The catalog product the session was for, when it names one. */
  product: Product | undefined;
  env: Env;
}

export interface FulfilmentRequestWithItems extends FulfilmentRequest {
  /** What was bought, line by line (see worker/orders/line-items.ts). */
  lineItems: LineItem[];
  /** Every catalog product among the lines (a cart may hold several). */
  products: Product[];
}

export interface Fulfilment {
  /** Shown on the success page for digital goods; null when there is nothing to download. */
  deliveryToken: string | null;
}

export type FulfilHook = (request: FulfilmentRequestWithItems) => Promise<Fulfilment>;

export interface RevocationRequest extends FulfilmentRequest {
  reason: 'refunded' | 'disputed';
}

/**
 * The counterpart of `fulfil`: the money went back (a full refund) or is being
 * contested (a dispute). Same contract: called before the order is committed as
 * revoked, once per order, and a throw means Stripe retries.
 */
export type RevokeHook = (request: RevocationRequest) => Promise<void>;

export const fulfil: FulfilHook = async ({ order, products }) => {
  const deliveryToken = products.some((product) => product.digital) ? `dl_${randomId(32)}` : null;
  console.log(JSON.stringify({ msg: 'order fulfilled', order: order.id, products: products.map((product) => product.id), digital: Boolean(deliveryToken) }));
  return { deliveryToken };
};

/** The default: the order's status change is the revocation — its delivery token stops working. */
export const revoke: RevokeHook = async ({ order, reason }) => {
  console.log(JSON.stringify({ msg: 'order revoked', order: order.id, reason }));
};
