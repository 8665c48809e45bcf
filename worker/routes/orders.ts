import { Hono } from 'hono';
import { SessionIdParam, type OrderNotFoundResponse } from '../../contract/api';
import type { AppEnv } from '../http/app-env';
import { buyerOrder } from '../orders/buyer-order';
import { handlerContext } from '../http/context';
import { validate } from '../http/validate';

// The session id is the buyer's capability: unguessable, and only ever shown to
// them by Stripe's redirect. Malformed ids, and ids of the other Stripe mode, are
// refused before any query runs. The success page polls this: a stored order is
// answered from one D1 round trip (the order with its lines, slugs, download counts
// and licence keys in one batch).
export const orders = new Hono<AppEnv>().get('/:sessionId', validate('param', SessionIdParam), async (c) => {
  const { sessionId } = c.req.valid('param');
  const found = await buyerOrder(sessionId, c.req.header('cf-connecting-ip') ?? 'unknown', handlerContext(c));
  if ('notFound' in found) return c.json({ error: 'order not found', ...found.notFound } satisfies OrderNotFoundResponse, 404);
  return c.json(found.order, 200);
});
