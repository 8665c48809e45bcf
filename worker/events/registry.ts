import type { Dependencies, Env } from '../env';
import type { StripeEvent } from '../stripe/event';
import { chargeHandlers } from './charges';
import { checkoutHandlers } from './checkout';
import { customerHandlers } from './customers';
import { paymentLinkHandlers } from './payment-links';
import { priceHandlers } from './prices';
import { productHandlers } from './products';
import { subscriptionHandlers } from './subscriptions';

export interface HandlerContext extends Dependencies {
  db: D1Database;
  env: Env;
  /** Work that may finish after the response (cache refreshes). */
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * A handler reads what it needs, runs any side effect, and returns the writes
 * to commit. The caller commits them in one D1 batch with the ledger update,
 * so an event's effects and its "processed" mark land together or not at all.
 */
/** The writes an event's handling commits, and what it decided worth telling the seller (kept in the ledger). */
export interface Effects {
  writes: D1PreparedStatement[];
  note?: string;
}

export interface EventHandler {
  (event: StripeEvent, context: HandlerContext, prefetched: D1Result[]): Promise<Effects>;
  /** Reads sent in the same D1 batch as the ledger claim, saving a round trip; their results arrive as `prefetched`. */
  prefetch?: (event: StripeEvent, db: D1Database) => D1PreparedStatement[];
}

export type HandlerMap = Partial<Record<StripeEvent['type'], EventHandler>>;

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

export function handlerFor(type: string): EventHandler | undefined {
  return Object.hasOwn(handlers, type) ? handlers[type as StripeEvent['type']] : undefined;
}
