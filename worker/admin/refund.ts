// A refund asked of Stripe from the back office. The order is not touched here: it
// becomes `refunded` when Stripe's `charge.refunded` webhook arrives, through the same
// guarded path as a refund made in Stripe's dashboard.
import type Stripe from 'stripe';
import type { AdminRefundResponse } from '../../contract/api';
import type { Context } from '../platform/context';
import { logAction } from '../store/admin-actions';
import { findOrder } from '../store/orders';
import { Refusal } from '../platform/refusal';
import { REFUNDABLE as REFUNDABLE_STATES } from '../../contract/order-states';

/** Orders whose payment may be refunded: money was taken and has not all come back. */
export const REFUNDABLE: ReadonlySet<string> = new Set(REFUNDABLE_STATES);


export async function requestRefund(
  stripe: Stripe,
  orderId: string,
  request: { amount?: number | undefined; requestId: string },
  actor: string,
  context: Context,
): Promise<AdminRefundResponse> {
  const { db } = context;
  const order = await findOrder(db, orderId);
  if (!order) throw new Refusal(404, 'order not found');
  if (!REFUNDABLE.has(order.status)) throw new Refusal(409, `an order in status ${order.status} cannot be refunded`);
  if (!order.paymentIntent) throw new Refusal(409, 'the order has no payment intent to refund (a subscription or a free order)');
  const remaining = order.amountTotal === null ? null : order.amountTotal - order.amountRefunded;
  if (remaining !== null && remaining <= 0) throw new Refusal(409, 'the whole payment has already been refunded');
  if (request.amount !== undefined && remaining !== null && request.amount > remaining) {
    throw new Refusal(400, `amount ${request.amount} is more than what remains to refund, ${remaining} (paid ${order.amountTotal}, refunded ${order.amountRefunded})`);
  }
  // One key per refund form: a double click, or a retried request, refunds once.
  const refund = await stripe.refunds.create(
    { payment_intent: order.paymentIntent, ...(request.amount !== undefined ? { amount: request.amount } : {}), metadata: { order_id: order.id } },
    { idempotencyKey: `admin-refund:${order.id}:${request.requestId}` },
  );
  const now = context.now();
  await logAction(db, {
    at: now,
    actor,
    action: 'refund_requested',
    subject: order.id,
    detail: JSON.stringify({ refund: refund.id, amount: refund.amount, currency: refund.currency, status: refund.status, requestId: request.requestId }),
  }).run();
  console.log(JSON.stringify({ msg: 'refund requested', order: order.id, refund: refund.id, amount: refund.amount, actor }));
  return {
    refund: { id: refund.id, status: refund.status, amount: refund.amount, currency: refund.currency },
    orderStatus: order.status,
    message: 'Refund requested from Stripe. The order changes when Stripe sends charge.refunded (a partial refund keeps the buyer’s access and lowers the net).',
  };
}
