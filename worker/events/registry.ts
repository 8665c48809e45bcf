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
 * What an event's handling commits: its writes, the outbox rows for side effects
 * after the commit (inserts that return the new row's id), and what it decided
 * worth telling the seller (kept in the ledger).
 */
export interface Effects {
  writes: D1PreparedStatement[];
  outbox?: D1PreparedStatement[];
  note?: string;
}

/**
 * A handler computes an event's effects without writing anything: it may read
 * (the mirror, Stripe's API) but its writes are committed by the caller in one
 * batch with the ledger claim, and only if this delivery won it.
 */
export type EventHandler = (event: StripeEvent, context: HandlerContext) => Promise<Effects> | Effects;

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
