import { Hono } from 'hono';
import { findProduct } from '../../catalog';
import { ClientReferenceIdParam, type EntitlementsResponse } from '../../contract/api';
import type { AppEnv } from '../http/app-env';
import { pastDueGrace } from '../delivery/settings';
import { followsSubscription, subscriptionAccess } from '../delivery/subscription-access';
import { buyerProven } from '../http/buyer-proof';
import { entitlementsFor } from '../store/entitlements';
import { validate } from '../http/validate';

// What a buyer currently holds: only for a caller who proves to be that buyer
// (worker/http/buyer-proof.ts), since the list names the buyer's orders. A subscription is
// listed exactly while its files are served (the same decision as the download links); its
// products are listed under it, never as one-off purchases.
export const entitlements = new Hono<AppEnv>().get('/:clientReferenceId', validate('param', ClientReferenceIdParam), buyerProven('param'), async (c) => {
  const { clientReferenceId } = c.req.valid('param');
  const now = c.var.deps.now();
  const held = await entitlementsFor(c.env.DB, clientReferenceId);
  const graceDays = pastDueGrace(c.env);
  return c.json(
    {
      clientReferenceId,
      products: held.orders.flatMap((order) => {
        const product = order.productId ? findProduct(order.productId) : undefined;
        if (followsSubscription(order.subscription, product)) return [];
        return [{ orderId: order.orderId, product: product ? { id: product.id, name: product.name } : null, fulfilledAt: iso(order.fulfilledAt) }];
      }),
      subscriptions: held.subscriptions
        .filter((subscription) => subscriptionAccess(subscription.state, subscription.fulfilledAt, graceDays, now).allowed)
        .map(({ subscriptionId, state, cancelAtPeriodEnd, products }) => ({ subscriptionId, status: state?.status ?? null, cancelAtPeriodEnd, products })),
    } satisfies EntitlementsResponse,
    200,
  );
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
