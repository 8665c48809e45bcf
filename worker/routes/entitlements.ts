import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { findProduct } from '../../catalog';
import { ClientReferenceIdParam, type EntitlementsResponse } from '../../contract/api';
import type { AppEnv } from '../dependencies';
import { pastDueGrace } from '../delivery/settings';
import { followsSubscription, subscriptionAccess } from '../delivery/subscription-access';
import { proveBuyer } from '../orders/buyer-proof';
import { entitlementsFor } from '../store/entitlements';
import { validate } from './validate';

// What a buyer currently holds: only for a caller who proves to be that buyer
// (worker/orders/buyer-proof.ts), since the list names the buyer's orders. A subscription is
// listed exactly while its files are served (the same decision as the download links); its
// products are listed under it, never as one-off purchases.
export const entitlements = new Hono<AppEnv>().get('/:clientReferenceId', validate('param', ClientReferenceIdParam), async (c) => {
  const { clientReferenceId } = c.req.valid('param');
  const now = c.var.deps.now();
  const proof = await proveBuyer({
    clientReferenceId,
    secretHeader: c.req.header('x-buyer-secret'),
    authorization: c.req.header('authorization'),
    tokenSecrets: c.env.BUYER_TOKEN_SECRET,
    tokenMaxLifetime: c.env.BUYER_TOKEN_MAX_LIFETIME_SECONDS,
    nowSeconds: Math.floor(now / 1000),
  });
  if (!proof.ok) throw new HTTPException(401, { message: `not proven to be this buyer: ${proof.reason}` });
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
