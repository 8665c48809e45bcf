// "Resend receipt": the seller sends a fulfilled order's receipt again, through the same email
// step, under a subject of its own (a new idempotency key), logged with who asked.
import type { AdminResendReceiptResponse } from '../../contract/api';
import { HAS_RECEIPT } from '../../contract/order-states';
import type { Context } from '../platform/context';
import { Refusal } from '../platform/refusal';
import { logAction } from '../store/admin-actions';
import { commit } from '../store/commit';
import { findOrder } from '../store/orders';
import { outboxEmail } from '../store/outbox';

export async function resendReceipt(orderId: string, actor: string, context: Context): Promise<AdminResendReceiptResponse> {
  const { db } = context;
  const order = await findOrder(db, orderId);
  if (!order) throw new Refusal(404, 'order not found');
  if (!(HAS_RECEIPT as readonly string[]).includes(order.status)) throw new Refusal(409, `only a fulfilled order, or one paid and shipping, has a receipt to resend (this one is ${order.status})`);
  if (!order.customerEmail) throw new Refusal(409, 'the order has no email address');
  const now = context.now();
  const log = logAction(db, { at: now, actor, action: 'receipt_resent', subject: order.id, detail: JSON.stringify({ to: order.customerEmail }) });
  await commit(context, { writes: [log], outbox: [outboxEmail(db, `receipt:${order.id}:resent:${now}`, { template: 'receipt', order: order.id }, now)] });
  return { message: `The receipt is queued to ${order.customerEmail}.` };
}
