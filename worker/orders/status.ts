// The order state machine. Orders only move forward: a late or redelivered
// event can never undo a fulfilment or a refund, whatever order Stripe delivers events in.

import type { OrderStatus } from '../../contract/api';

/** For each target status, the statuses an existing order may move to it from. */
export const MOVES_INTO: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: [],
  paid: ['pending'],
  fulfilled: ['pending', 'paid'],
  payment_failed: ['pending'],
  expired: ['pending'],
  // Paid, but not for what the shop sells at its price (worker/orders/review.ts): the seller decides.
  review: ['pending'],
  // Money coming back revokes what was delivered, and what was still to be delivered.
  disputed: ['pending', 'paid', 'fulfilled', 'review'],
  refunded: ['pending', 'paid', 'fulfilled', 'disputed', 'review'],
};

/** `null` is "no order recorded yet": any status may be the first one. */
export function canTransition(from: OrderStatus | null, to: OrderStatus): boolean {
  return from === null || MOVES_INTO[to].includes(from);
}

/** The statuses from which `to` may be reached; the store turns this into the SQL guard. */
export function statusesMovingInto(to: OrderStatus): readonly OrderStatus[] {
  return MOVES_INTO[to];
}
