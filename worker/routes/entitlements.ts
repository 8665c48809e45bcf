import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { findProduct } from '../../site/catalog';
import type { AppEnv } from '../env';
import { entitlementsFor } from '../store/entitlements';
import { CLIENT_REFERENCE_ID } from '../orders/order';

export const entitlements = new Hono<AppEnv>();

// What a buyer currently holds. The reference is the storefront's random
// per-browser id by default; a seller who passes guessable user ids instead
// should put this route behind their own authentication.
entitlements.get('/:clientReferenceId', async (c) => {
  const clientReferenceId = c.req.param('clientReferenceId');
  if (!CLIENT_REFERENCE_ID.test(clientReferenceId)) {
    throw new HTTPException(400, { message: 'not a client reference id (1–200 characters of A-Z, a-z, 0-9, _ or -)' });
  }
  const held = await entitlementsFor(c.env.DB, clientReferenceId);
  return c.json({
    clientReferenceId,
    products: held.orders.map((order) => {
      const product = order.productId ? findProduct(order.productId) : undefined;
      return { orderId: order.orderId, product: product ? { id: product.id, name: product.name } : null, fulfilledAt: iso(order.fulfilledAt) };
    }),
    subscriptions: held.subscriptions,
  });
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
