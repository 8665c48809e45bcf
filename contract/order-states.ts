// The order state machine: the one table of allowed moves. The worker's SQL guards are
// generated from it (worker/store/orders.ts), the back office labels its states from it, and
// test/worker/orders/status.test.ts enumerates every pair. Money moves only forward and only
// on what Stripe signed; the seller's moves (revoke, restore, ship) change access, never money.

export const ORDER_STATUSES = [
  'pending',
  'paid',
  'fulfilled',
  'payment_failed',
  'expired',
  'refunded',
  'disputed',
  'review',
  'partially_refunded',
  'dispute_won',
  'dispute_lost',
  'revoked',
  'restored',
  'awaiting_shipment',
  'shipped',
  'delivered',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Paid and delivered (or on its way): what a partial refund, a dispute, a full refund may start from. */
const SETTLED = ['fulfilled', 'partially_refunded', 'dispute_won', 'restored', 'awaiting_shipment', 'shipped', 'delivered'] as const;
/** Money taken, nothing delivered yet. */
const TAKEN = ['pending', 'paid', 'review'] as const;
/** What a dispute may open on (or close on: a closing that overtakes its opening still implies it); a charge is disputed once. */
const DISPUTABLE = [...TAKEN, ...SETTLED.filter((status) => status !== 'dispute_won'), 'revoked'] as const;

/** For each target status, the statuses an existing order may move to it from. */
export const MOVES_INTO: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: [],
  paid: ['pending'],
  fulfilled: ['pending', 'paid'],
  // A physical product is paid and waits for the seller's "mark shipped".
  awaiting_shipment: ['pending', 'paid'],
  shipped: ['awaiting_shipment'],
  delivered: ['shipped'],
  payment_failed: ['pending'],
  expired: ['pending'],
  // Paid, but not for what the shop sells at its price (worker/orders/review.ts): the seller decides.
  review: ['pending'],
  // Some money back: the buyer keeps what they paid for; the amounts say how much came back.
  // Not from a dispute's outcome: the outcome outranks it (the amounts still show the refund).
  partially_refunded: ['paid', 'review', ...SETTLED.filter((status) => status !== 'partially_refunded' && status !== 'dispute_won')],
  // Money coming back revokes what was delivered, and what was still to be delivered.
  refunded: [...TAKEN, ...SETTLED, 'disputed', 'revoked'],
  disputed: [...DISPUTABLE],
  // A closed dispute implies it was opened, so it may overtake its own opening.
  dispute_won: ['disputed', ...DISPUTABLE],
  dispute_lost: ['disputed', ...DISPUTABLE],
  // The seller's hand on access, no money moves: revoke what is served, restore what they revoked.
  revoked: ['fulfilled', 'partially_refunded', 'dispute_won', 'restored', 'awaiting_shipment', 'shipped', 'delivered'],
  restored: ['revoked'],
};

/** The moves only the seller makes (an endpoint and a button each); every other move follows a Stripe event. */
export const SELLER_MOVES = ['revoked', 'restored', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];

/**
 * The seller's approval of an order held for review: the one move into `fulfilled` that no
 * Stripe event may make (a redelivered session must never fulfil what review held back).
 */
export const SELLER_APPROVAL = { from: 'review', to: 'fulfilled' } as const satisfies { from: OrderStatus; to: OrderStatus };

/** States whose digital files and licence keys are served. */
export const SERVES_ACCESS = ['fulfilled', 'partially_refunded', 'dispute_won', 'restored', 'awaiting_shipment', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];

/** Paid states whose receipt is owed (sent once, and the seller may resend it): fulfilled, or goods paid for and on their way. */
export const HAS_RECEIPT = ['fulfilled', 'awaiting_shipment', 'shipped', 'delivered'] as const satisfies readonly OrderStatus[];

/** States whose revoke hook runs (the money went back, or is held, or the seller withdrew access). */
export const REVOKES_ACCESS = ['refunded', 'disputed', 'dispute_lost', 'revoked'] as const satisfies readonly OrderStatus[];

/** States in which the shop keeps (some of) the money: counted, net of refunds, in the sales totals. */
export const KEEPS_MONEY = ['paid', 'review', 'revoked', ...SERVES_ACCESS] as const satisfies readonly OrderStatus[];

/** Where money may still be refunded from: it was taken and has not all come back. */
export const REFUNDABLE = ['paid', 'review', 'disputed', 'revoked', ...SERVES_ACCESS] as const satisfies readonly OrderStatus[];

export function servesAccess(status: OrderStatus | string | null): boolean {
  return (SERVES_ACCESS as readonly string[]).includes(status ?? '');
}

export function revokesAccess(status: OrderStatus | string | null): boolean {
  return (REVOKES_ACCESS as readonly string[]).includes(status ?? '');
}

/** `null` is "no order recorded yet": any status may be the first one. */
export function canTransition(from: OrderStatus | null, to: OrderStatus): boolean {
  return from === null || MOVES_INTO[to].includes(from);
}

/** `status IN (…)` for SQL: the table's own constant names, quoted (never user input). */
export function sqlStatusList(statuses: readonly OrderStatus[]): string {
  return statuses.map((status) => `'${status}'`).join(', ');
}

/** What the back office and the buyer's page call each state. */
export const STATUS_LABELS: Readonly<Record<OrderStatus, string>> = {
  pending: 'pending',
  paid: 'paid',
  fulfilled: 'fulfilled',
  payment_failed: 'payment failed',
  expired: 'expired',
  refunded: 'refunded',
  disputed: 'disputed',
  review: 'review',
  partially_refunded: 'partially refunded',
  dispute_won: 'dispute won, access restored',
  dispute_lost: 'dispute lost',
  revoked: 'revoked by the seller',
  restored: 'restored by the seller',
  awaiting_shipment: 'awaiting shipment',
  shipped: 'shipped',
  delivered: 'delivered',
};
