import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { modeOfSessionId, shopMode } from '../config';
import type { AppEnv } from '../dependencies';
import { CHECKOUT_SESSION_ID } from '../../contract/ids';
import { orderDelivery } from '../delivery/order-delivery';
import { orderView } from '../orders/order';
import { lookUpInStripe } from '../orders/landing';
import { findLineItems, findOrder } from '../store/orders';
import { handlerContext } from './context';

export const orders = new Hono<AppEnv>();

// The session id is the buyer's capability: unguessable, and only ever shown to
// them by Stripe's redirect. Malformed ids, and ids of the other Stripe mode, are
// refused before any query runs.
orders.get('/:sessionId', async (c) => {
  const sessionId = c.req.param('sessionId');
  if (!CHECKOUT_SESSION_ID.test(sessionId)) {
    throw new HTTPException(400, { message: 'not a Checkout Session id (expected cs_test_… or cs_live_…)' });
  }
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
  return c.json({ ...orderView(order), lineItems, ...(await orderDelivery(order, lineItems, c.env, c.var.deps.now())) });
});
