// The seller's moves of an order that move no money: revoke access, restore it, mark a
// physical order shipped (carrier, tracking number) or delivered. Each is allowed only where
// the state table says (contract/order-states.ts), guarded again in SQL against a racing
// event, and logged with who and why. A revoke runs the seller's revoke hook through the outbox.
import type { AdminAccessResponse } from '../../contract/api';
import { canTransition, STATUS_LABELS, type OrderStatus } from '../../contract/order-states';
import type { Context } from '../platform/context';
import { Refusal } from '../platform/refusal';
import { logSellerMove, type AdminAction } from '../store/admin-actions';
import { commit } from '../store/commit';
import { findOrder, moveBySeller } from '../store/orders';
import { outboxRevokedIfRevoked } from '../store/outbox';

export type SellerMove =
  | { to: 'revoked'; reason: string }
  | { to: 'restored'; reason: string }
  | { to: 'shipped'; carrier: string; trackingNumber: string; shippedOn?: string | undefined; note?: string | undefined }
  | { to: 'delivered'; note?: string | undefined };

const ACTION: Record<SellerMove['to'], AdminAction> = {
  revoked: 'access_revoked',
  restored: 'access_restored',
  shipped: 'marked_shipped',
  delivered: 'marked_delivered',
};

export async function moveOrder(orderId: string, move: SellerMove, actor: string, context: Context): Promise<AdminAccessResponse> {
  const { db } = context;
  const order = await findOrder(db, orderId);
  if (!order) throw new Refusal(404, 'order not found');
  if (!canTransition(order.status, move.to)) {
    console.warn(JSON.stringify({ msg: 'seller move refused by the state table', order: order.id, from: order.status, to: move.to, actor }));
    throw new Refusal(409, `an order that is ${STATUS_LABELS[order.status]} cannot become ${STATUS_LABELS[move.to]}`);
  }
  const now = context.now();
  const shipment = move.to === 'shipped' ? { carrier: move.carrier, trackingNumber: move.trackingNumber, shippedAt: shipDate(move.shippedOn, now) } : undefined;
  const { to, ...detail } = move;
  const [moved] = await commit(context, {
    writes: [
      moveBySeller(db, order.id, order.status, to, now, shipment),
      // Logged only where the move applied (the order in `to` at this very instant).
      logSellerMove(db, { at: now, actor, action: ACTION[to], subject: order.id, detail: JSON.stringify({ from: order.status, ...detail }) }, to),
    ],
    outbox: to === 'revoked' ? [outboxRevokedIfRevoked(db, { orderId: order.id }, now)] : [],
  });
  if (!moved?.meta.changes) throw new Refusal(409, 'the order changed meanwhile (a Stripe event moved it); reload it');
  console.log(JSON.stringify({ msg: 'seller moved an order', order: order.id, from: order.status, to, actor }));
  return { orderStatus: to, message: messageFor(to as OrderStatus) };
}

/** The ship date given (YYYY-MM-DD, midnight UTC), or now; a day after today is a typo, refused. */
function shipDate(day: string | undefined, now: number): number {
  if (day === undefined) return now;
  const at = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(at) || at > now) throw new Refusal(400, `shippedOn: ${day} is in the future; give the day the order left`);
  return at;
}

function messageFor(to: OrderStatus): string {
  if (to === 'revoked') return "Access revoked: the order's downloads and licence keys stop at once; no money moved.";
  if (to === 'restored') return "Access restored: the order's downloads and licence keys work again; no money moved.";
  if (to === 'shipped') return "Marked shipped: the buyer's order page shows the carrier and tracking number.";
  return "Marked delivered: the buyer's order page says it arrived.";
}
