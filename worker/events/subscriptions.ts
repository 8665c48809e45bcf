import type Stripe from 'stripe';
import { subscriptionItems, subscriptionRow } from '../mirror/resources';
import { replaceSubscriptionItems, upsertMirrored } from '../store/mirror';
import type { HandlerContext } from '../platform/context';
import type { Effects } from '../store/commit';
import { objectToMirror, type MirrorEvent } from '../mirror/sync';
import type { HandlerMap } from './handler';

/** The subscription and its items, committed together; a stale event changes neither. */
const mirrorSubscription =
  (deleted: boolean) =>
  async (event: MirrorEvent<Stripe.Subscription>, context: HandlerContext): Promise<Effects> => {
    const { db, now } = context;
    const { object: subscription, version } = await objectToMirror<Stripe.Subscription>(
      event,
      context,
      (stripe, id) => stripe.subscriptions.retrieve(id),
      deleted,
    );
    return {
      writes: [
        upsertMirrored(db, 'stripe_subscriptions', subscriptionRow(subscription, deleted), version, now()),
        ...replaceSubscriptionItems(db, subscription.id, subscriptionItems(subscription), version),
      ],
    };
  };

export const subscriptionHandlers: HandlerMap = {
  'customer.subscription.created': mirrorSubscription(false),
  'customer.subscription.updated': mirrorSubscription(false),
  'customer.subscription.paused': mirrorSubscription(false),
  'customer.subscription.resumed': mirrorSubscription(false),
  'customer.subscription.deleted': mirrorSubscription(true),
};
