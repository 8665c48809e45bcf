import { Hono } from 'hono';
import { findProduct } from '../../catalog';
import { ClientReferenceIdParam, type EntitlementsResponse } from '../../contract/api';
import type { AppEnv } from '../http/app-env';
import { buyerProven } from '../http/buyer-proof';
import { entitlementsFor } from '../store/entitlements';
import { validate } from '../http/validate';

// What a buyer currently holds: only for a caller who proves to be that buyer
// (worker/http/buyer-proof.ts), since the list names the buyer's orders.
export const entitlements = new Hono<AppEnv>().get('/:clientReferenceId', validate('param', ClientReferenceIdParam), buyerProven('param'), async (c) => {
  const { clientReferenceId } = c.req.valid('param');
  const held = await entitlementsFor(c.env.DB, clientReferenceId);
  return c.json(
    {
      clientReferenceId,
      products: held.orders.map((order) => {
        const product = order.productId ? findProduct(order.productId) : undefined;
        return { orderId: order.orderId, product: product ? { id: product.id, name: product.name } : null, fulfilledAt: iso(order.fulfilledAt) };
      }),
      subscriptions: held.subscriptions,
    } satisfies EntitlementsResponse,
    200,
  );
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
