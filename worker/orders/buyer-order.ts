// What the buyer's order page shows for a Checkout Session id: the API (GET /api/orders/:id)
// and the server-rendered /success page both ask here, so they cannot tell different stories.
import type { OrderResponse } from '../../contract/api';
import { assignWaitingPoolKeys } from '../delivery/licences';
import { deliverable, orderDelivery } from '../delivery/order-delivery';
import { storedContents } from '../delivery/order-products';
import { modeOfSessionId, shopMode } from '../platform/config';
import type { Context } from '../platform/context';
import { Refusal } from '../platform/refusal';
import type { SellerHooks } from '../seller-hooks';
import { findOrderRecords } from '../store/order-records';
import { hasStripeKey } from '../stripe/client';
import { lookUpInStripe } from './landing';
import { orderView } from './order';

/**
 * The order, or not found. `awaitingWebhook`: the shop has no Stripe key to ask, so a session
 * just paid may still arrive by its webhook; with a key (or of the other mode) not found is final.
 */
export type BuyerOrder = { order: OrderResponse } | { notFound: { awaitingWebhook: boolean } };

/** `client` bounds the Stripe lookups one caller may cause (its IP). Throws a 429 Refusal past that bound. */
export async function buyerOrder(sessionId: string, client: string, context: Context & SellerHooks): Promise<BuyerOrder> {
  const { env, db } = context;
  if (modeOfSessionId(sessionId) !== shopMode(env)) return { notFound: { awaitingWebhook: false } };
  let records = await findOrderRecords(db, { orderIds: [sessionId] });
  if (!records.orders.has(sessionId)) {
    const lookup = await lookUpInStripe(sessionId, client, context);
    if ('refused' in lookup) throw new Refusal(429, lookup.refused, { 'Retry-After': '60' });
    if (!lookup.order) return { notFound: { awaitingWebhook: !hasStripeKey(env) } };
    // Recorded from Stripe just now: read it back as stored, with its lines.
    records = await findOrderRecords(db, { orderIds: [sessionId] });
  }
  const record = records.orders.get(sessionId);
  if (!record) return { notFound: { awaitingWebhook: !hasStripeKey(env) } };
  const contents = storedContents(record.order, record.lineItems, records.slugs);
  const now = context.now();
  // A subscription that ended serves nothing of its own: no links, no keys, no pool key taken for it.
  const served = deliverable(record, contents, env, now);
  await assignWaitingPoolKeys(db, [{ record, products: served.products, units: served.units }], now);
  // Links are signed afresh on every read, so the order page never holds an expired one for long.
  return { order: { ...orderView(record.order), lineItems: record.lineItems, ...(await orderDelivery(record, served, env, now)) } };
}
