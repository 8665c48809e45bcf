import type Stripe from 'stripe';
import { subscriptionItems, subscriptionRow } from '../mirror/rows';
import { replaceSubscriptionItems, upsertMirrored } from '../store/mirror';
import { versionOf } from './mirror';
import type { EventHandler, HandlerMap } from './registry';

/** The subscription and its items, committed together; a stale event changes neither. */
const mirrorSubscription =
  (deleted: boolean): EventHandler =>
  async (event, { db, now }) => {
    const subscription = event.data.object as unknown as Stripe.Subscription;
    const version = versionOf(event);
    return [
      upsertMirrored(db, 'stripe_subscriptions', subscriptionRow(subscription, deleted), version, now()),
      ...replaceSubscriptionItems(db, subscription.id, subscriptionItems(subscription), version),
    ];
  };

export const subscriptionHandlers: HandlerMap = {
  'customer.subscription.created': mirrorSubscription(false),
  'customer.subscription.updated': mirrorSubscription(false),
  'customer.subscription.paused': mirrorSubscription(false),
  'customer.subscription.resumed': mirrorSubscription(false),
  'customer.subscription.deleted': mirrorSubscription(true),
};
