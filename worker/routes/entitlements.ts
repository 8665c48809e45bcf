import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { findProduct } from '../../catalog';
import { ClientReferenceIdParam, type EntitlementsResponse } from '../../contract/api';
import type { AppEnv } from '../http/app-env';
import { proveBuyer } from '../http/buyer-proof';
import { entitlementsFor } from '../store/entitlements';
import { validate } from '../http/validate';

// What a buyer currently holds: only for a caller who proves to be that buyer
// (worker/http/buyer-proof.ts), since the list names the buyer's orders.
export const entitlements = new Hono<AppEnv>().get('/:clientReferenceId', validate('param', ClientReferenceIdParam), async (c) => {
  const { clientReferenceId } = c.req.valid('param');
  const proof = await proveBuyer({
    clientReferenceId,
    secretHeader: c.req.header('x-buyer-secret'),
    authorization: c.req.header('authorization'),
    tokenSecrets: c.env.BUYER_TOKEN_SECRET,
    nowSeconds: Math.floor(c.var.deps.now() / 1000),
  });
  if (!proof.ok) throw new HTTPException(401, { message: `not proven to be this buyer: ${proof.reason}` });
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
