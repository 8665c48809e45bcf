import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { SessionIdParam, type OrderResponse } from '../../contract/api';
import { modeOfSessionId, shopMode } from '../config';
import type { AppEnv } from '../dependencies';
import { orderDelivery } from '../delivery/order-delivery';
import { orderView } from '../orders/order';
import { lookUpInStripe } from '../orders/landing';
import { findLineItems, findOrder } from '../store/orders';
import { handlerContext } from './context';
import { validate } from './validate';

// The session id is the buyer's capability: unguessable, and only ever shown to
// them by Stripe's redirect. Malformed ids, and ids of the other Stripe mode, are
// refused before any query runs.
export const orders = new Hono<AppEnv>().get('/:sessionId', validate('param', SessionIdParam), async (c) => {
  const { sessionId } = c.req.valid('param');
  if (modeOfSessionId(sessionId) !== shopMode(c.env)) throw new HTTPException(404, { message: 'order not found' });
  let order = await findOrder(c.env.DB, sessionId);
  if (!order) {
    const lookup = await lookUpInStripe(sessionId, c.req.header('cf-connecting-ip') ?? 'unknown', handlerContext(c));
    if ('refused' in lookup) throw new HTTPException(429, { message: lookup.refused, res: new Response(null, { headers: { 'Retry-After': '60' } }) });
    order = lookup.order;
  }
  if (!order) throw new HTTPException(404, { message: 'order not found' });
  const lineItems = await findLineItems(c.env.DB, order.id);
  // Links are signed afresh on every read, so the success page never holds an expired one for long.
  return c.json({ ...orderView(order), lineItems, ...(await orderDelivery(order, lineItems, c.env, c.var.deps.now())) } satisfies OrderResponse, 200);
});
