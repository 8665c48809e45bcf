// Re-running a fulfilment, explicitly, from the back office: an order held for review
// that the seller approves, or an order whose delivery died in the outbox. Logged with
// who did it.
import type { AdminRerunResponse } from '../../contract/api';
import type { HandlerContext } from '../effects';
import { contentsOfStored } from '../orders/line-items';
import { enqueueOutbox } from '../outbox/enqueue';
import { approveReviewedOrder, logAction, logApproval, outboxOfOrder, reviveDelivery } from '../store/back-office';
import { findLineItems, findOrder } from '../store/orders';
import { newOutboxRows, outboxDeliveredIfFulfilled } from '../store/outbox';
import { findProduct } from '../../catalog';
import { AdminRefusal } from './refusal';


export async function rerunFulfilment(orderId: string, actor: string, context: HandlerContext): Promise<AdminRerunResponse> {
  const { db } = context;
  const order = await findOrder(db, orderId);
  if (!order) throw new AdminRefusal(404, 'order not found');
  const now = context.now();

  if (order.status === 'review') {
    // The seller approves what the review held back: the pure fulfil hook decides what to record, as for a paid webhook.
    const lineItems = await findLineItems(db, order.id);
    const products = await contentsOfStored(order, lineItems, db);
    const product = order.productId ? findProduct(order.productId) : undefined;
    const { deliveryToken } = await context.fulfil({ order: { ...order, status: 'fulfilled' }, product, products, lineItems, env: context.env });
    const [approved, , outbox] = await db.batch([
      approveReviewedOrder(db, order.id, deliveryToken, now),
      logApproval(db, { at: now, actor, action: 'fulfilment_rerun', subject: order.id, detail: JSON.stringify({ from: 'review' }) }),
      outboxDeliveredIfFulfilled(db, order.id, now),
    ]);
    if (!approved?.meta.changes) {
      // Another event moved the order meanwhile (a refund): nothing was fulfilled, nothing logged or queued.
      throw new AdminRefusal(409, 'the order left review meanwhile; reload it');
    }
    enqueueOutbox(context, newOutboxRows(outbox ? [outbox] : []));
    console.log(JSON.stringify({ msg: 'order approved from review', order: order.id, actor }));
    return { orderStatus: 'fulfilled', message: 'Approved: the order is fulfilled and its delivery is queued.' };
  }

  const delivery = (await outboxOfOrder(db, order.id)).find((row) => row.kind === 'delivered');
  if (order.status === 'fulfilled' && delivery?.status === 'dead') {
    const [revived] = await db.batch([
      reviveDelivery(db, order.id, now),
      logAction(db, { at: now, actor, action: 'delivery_retried', subject: order.id, detail: JSON.stringify({ lastError: delivery.lastError, attempts: delivery.attempts }) }),
    ]);
    enqueueOutbox(context, newOutboxRows(revived ? [revived] : []));
    console.log(JSON.stringify({ msg: 'dead delivery re-queued', order: order.id, actor }));
    return { orderStatus: order.status, message: 'The delivery is queued again.' };
  }
  throw new AdminRefusal(409, `nothing to re-run: only an order in review, or a fulfilled order whose delivery failed, can be re-run (this one is ${order.status}${delivery ? `, delivery ${delivery.status}` : ''})`);
}
