// Re-running a fulfilment, explicitly, from the back office: an order held for review
// that the seller approves, or an order whose delivery died in the outbox. Logged with
// who did it.
import type { AdminRerunResponse } from '../../contract/api';
import type { Context } from '../platform/context';
import type { SellerHooks } from '../seller-hooks';
import { approvedEffects } from '../orders/order-events';
import { logAction, logApproval } from '../store/admin-actions';
import { outboxOfOrder, reviveDelivery } from '../store/outbox';
import { commit } from '../store/commit';
import { findLineItems, findOrder } from '../store/orders';
import { Refusal } from '../platform/refusal';

export async function rerunFulfilment(orderId: string, actor: string, context: Context & SellerHooks): Promise<AdminRerunResponse> {
  const { db } = context;
  const order = await findOrder(db, orderId);
  if (!order) throw new Refusal(404, 'order not found');
  const now = context.now();

  if (order.status === 'review') {
    // The seller approves what the review held back: fulfilled as a paid session is, the fulfil hook deciding what to record.
    // One instant for the approval and its log: the log applies only where the approval did (logApproval).
    const { status, ...effects } = await approvedEffects(order, await findLineItems(db, order.id), { ...context, now: () => now });
    const log = logApproval(db, { at: now, actor, action: 'fulfilment_rerun', subject: order.id, detail: JSON.stringify({ from: 'review' }) });
    const [approved] = await commit(context, { ...effects, writes: [...effects.writes, log] });
    if (!approved?.meta.changes) {
      // Another event moved the order meanwhile (a refund): nothing was fulfilled, nothing logged or queued.
      throw new Refusal(409, 'the order left review meanwhile; reload it');
    }
    console.log(JSON.stringify({ msg: 'order approved from review', order: order.id, actor }));
    if (status === 'awaiting_shipment') return { orderStatus: status, message: 'Approved: the order awaits shipment (mark it shipped when it leaves); its digital lines are delivered.' };
    return { orderStatus: 'fulfilled', message: 'Approved: the order is fulfilled and its delivery is queued.' };
  }

  const delivery = (await outboxOfOrder(db, order.id)).find((row) => row.kind === 'delivered');
  if (order.status === 'fulfilled' && delivery?.status === 'dead') {
    const log = logAction(db, { at: now, actor, action: 'delivery_retried', subject: order.id, detail: JSON.stringify({ lastError: delivery.lastError, attempts: delivery.attempts }) });
    await commit(context, { writes: [log], outbox: [reviveDelivery(db, order.id, now)] });
    console.log(JSON.stringify({ msg: 'dead delivery re-queued', order: order.id, actor }));
    return { orderStatus: order.status, message: 'The delivery is queued again.' };
  }
  throw new Refusal(409, `nothing to re-run: only an order in review, or a fulfilled order whose delivery failed, can be re-run (this one is ${order.status}${delivery ? `, delivery ${delivery.status}` : ''})`);
}
