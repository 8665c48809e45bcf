import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { SessionIdParam, type OrderResponse } from '../../contract/api';
import { modeOfSessionId, shopMode } from '../platform/config';
import type { AppEnv } from '../http/app-env';
import { assignWaitingPoolKeys } from '../delivery/licences';
import { deliverable, orderDelivery } from '../delivery/order-delivery';
import { storedContents } from '../delivery/order-products';
import { orderView } from '../orders/order';
import { lookUpInStripe } from '../orders/landing';
import { findOrderRecords } from '../store/order-records';
import { handlerContext } from '../http/context';
import { validate } from '../http/validate';

// The session id is the buyer's capability: unguessable, and only ever shown to
// them by Stripe's redirect. Malformed ids, and ids of the other Stripe mode, are
// refused before any query runs. The success page polls this: a stored order is
// answered from one D1 round trip (the order with its lines, slugs, download counts
// and licence keys in one batch).
export const orders = new Hono<AppEnv>().get('/:sessionId', validate('param', SessionIdParam), async (c) => {
  const { sessionId } = c.req.valid('param');
  if (modeOfSessionId(sessionId) !== shopMode(c.env)) throw new HTTPException(404, { message: 'order not found' });
  let records = await findOrderRecords(c.env.DB, { orderIds: [sessionId] });
  if (!records.orders.has(sessionId)) {
    const lookup = await lookUpInStripe(sessionId, c.req.header('cf-connecting-ip') ?? 'unknown', handlerContext(c));
    if ('refused' in lookup) throw new HTTPException(429, { message: lookup.refused, res: new Response(null, { headers: { 'Retry-After': '60' } }) });
    if (!lookup.order) throw new HTTPException(404, { message: 'order not found' });
    // Recorded from Stripe just now: read it back as stored, with its lines.
    records = await findOrderRecords(c.env.DB, { orderIds: [sessionId] });
  }
  const record = records.orders.get(sessionId);
  if (!record) throw new HTTPException(404, { message: 'order not found' });
  const contents = storedContents(record.order, record.lineItems, records.slugs);
  const now = c.var.deps.now();
  // A subscription that ended serves nothing of its own: no links, no keys, no pool key taken for it.
  const served = deliverable(record, contents, c.env, now);
  await assignWaitingPoolKeys(c.env.DB, [{ record, products: served.products, units: served.units }], now);
  // Links are signed afresh on every read, so the success page never holds an expired one for long.
  return c.json({ ...orderView(record.order), lineItems: record.lineItems, ...(await orderDelivery(record, served, c.env, now)) } satisfies OrderResponse, 200);
});
