import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { findProduct } from '../../catalog';
import type { AppEnv } from '../dependencies';
import { findOrderByDeliveryToken } from '../store/orders';
import { DELIVERY_TOKEN } from '../../contract/ids';


export const deliveries = new Hono<AppEnv>();

// A digital order's download code. It works while the order is fulfilled, and
// stops once the order is refunded or disputed.
deliveries.get('/:token', async (c) => {
  const token = c.req.param('token');
  if (!DELIVERY_TOKEN.test(token)) throw new HTTPException(400, { message: 'not a delivery token' });
  const order = await findOrderByDeliveryToken(c.env.DB, token);
  if (!order || order.status !== 'fulfilled') throw new HTTPException(404, { message: 'delivery not found or no longer available' });
  const product = order.productId ? findProduct(order.productId) : undefined;
  return c.json({ orderId: order.id, product: product ? { id: product.id, name: product.name } : null });
});
