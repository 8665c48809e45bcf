// Files and licence keys bought through a subscription are served while the subscription is.
// Decided here once, from Stripe's status as mirrored and the clock, at every request: by the
// download route, the order API (and the deliver hook) and /api/entitlements alike. The order
// is never changed for it: its status is money state, moving only forward, while a subscription
// may come back (resumed, paid again) and its files with it.
import type { Product } from '../../catalog';
import type { SubscriptionAccessView } from '../../contract/api';
import type { Env } from '../platform/env';
import type { Order } from '../store/orders';
import type { SubscriptionState } from '../store/subscriptions';
import { pastDueGrace } from './settings';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * A paid checkout whose subscription Stripe has not reported yet (or reported only as Checkout
 * first creates it, `incomplete`) is served this long after fulfilment: the order is fulfilled
 * only once Stripe signed the first payment, and the subscription's events race the checkout's;
 * Stripe retries an undelivered event for up to three days. Still unknown after that, it will
 * not be reported by itself (a webhook without `customer.subscription.*`): refused until the
 * seller fixes the endpoint or runs `npm run stripe:sync`.
 */
export const UNREPORTED_SUBSCRIPTION_WINDOW_MS = 3 * DAY_MS;

export type SubscriptionAccess =
  /** `graceEndsAt` (ms): past_due only, when access ends unless paid. */
  | { allowed: true; status: string | null; graceEndsAt: number | null }
  | { allowed: false; status: string | null; reason: string };

const ENDED_WITH_IT = 'its downloads and licence keys ended with it';

/** Why each status Stripe documents (besides active and trialing) serves nothing. */
const REFUSED: Readonly<Record<string, string>> = {
  canceled: `this subscription was canceled: ${ENDED_WITH_IT}`,
  unpaid: 'this subscription is unpaid: its downloads and licence keys work again once the overdue payment is made',
  past_due: "this subscription's payment is overdue: its downloads and licence keys work again once it is paid",
  paused: 'this subscription is paused: its downloads and licence keys work again when it resumes',
  incomplete: "this subscription's first payment is not complete: its downloads and licence keys wait for it",
  incomplete_expired: "this subscription's first payment was never completed: it has no downloads or licence keys",
};

const UNREPORTED = 'the shop has not heard from Stripe about this subscription: its downloads and licence keys wait until it does (ask the shop)';

/**
 * `subscription`: as mirrored, null while Stripe has not reported it; `fulfilledAt` (ms): when the
 * order was fulfilled; `graceDays`: how long past_due is still served, counted from the start of
 * the period being billed (the renewal whose payment failed).
 */
export function subscriptionAccess(subscription: SubscriptionState | null, fulfilledAt: number, graceDays: number, nowMs: number): SubscriptionAccess {
  if (!subscription) {
    if (nowMs < fulfilledAt + UNREPORTED_SUBSCRIPTION_WINDOW_MS) return { allowed: true, status: null, graceEndsAt: null };
    return { allowed: false, status: null, reason: UNREPORTED };
  }
  const { status } = subscription;
  // Deleted is final: Stripe sends it when a subscription ends, canceled or never paid.
  if (subscription.deleted) return { allowed: false, status, reason: REFUSED[status === 'incomplete_expired' ? status : 'canceled']! };
  if (status === 'active' || status === 'trialing') return { allowed: true, status, graceEndsAt: null };
  // Older news than the paid checkout that fulfilled the order: its update to active is on its way.
  if (status === 'incomplete' && nowMs < fulfilledAt + UNREPORTED_SUBSCRIPTION_WINDOW_MS) return { allowed: true, status, graceEndsAt: null };
  if (status === 'past_due' && subscription.currentPeriodStart !== null) {
    const graceEndsAt = subscription.currentPeriodStart * 1000 + graceDays * DAY_MS;
    if (nowMs < graceEndsAt) return { allowed: true, status, graceEndsAt };
  }
  // A status Stripe adds later serves nothing until this shop knows what it means.
  return { allowed: false, status, reason: REFUSED[status] ?? `this subscription is ${status.replaceAll('_', ' ')}: its downloads and licence keys are not available` };
}

/**
 * Whether a product of the order follows its subscription: one the catalog sells by the interval.
 * A one-time product bought in the same checkout was paid once and is kept; a product the catalog
 * does not know is taken to follow it (it delivers no file or key anyway).
 */
export function followsSubscription(subscription: string | null, product: Product | undefined): boolean {
  return subscription !== null && (product === undefined || product.price.interval !== undefined);
}

/** The order's products whose files and licence keys are served now (`access`: null for an order without a subscription). */
export function servedProducts(order: Pick<Order, 'subscription'>, products: Product[], access: SubscriptionAccess | null): Product[] {
  if (!access || access.allowed) return products;
  return products.filter((product) => !followsSubscription(order.subscription, product));
}

/** The decision for a stored order and its mirrored subscription, with this deployment's grace; null without a subscription. */
export function orderSubscriptionAccess(order: Order, subscription: SubscriptionState | null, env: Env, nowMs: number): SubscriptionAccess | null {
  if (order.subscription === null) return null;
  return subscriptionAccess(subscription, order.fulfilledAt ?? order.createdAt, pastDueGrace(env), nowMs);
}

export function subscriptionAccessView(access: SubscriptionAccess | null): SubscriptionAccessView | null {
  if (!access) return null;
  if (!access.allowed) return { status: access.status, allowed: false, reason: access.reason, graceEndsAt: null };
  return { status: access.status, allowed: true, reason: null, graceEndsAt: access.graceEndsAt === null ? null : new Date(access.graceEndsAt).toISOString() };
}
