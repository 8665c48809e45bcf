// The state table, enumerated: every allowed move is named here once, and every other pair
// of states is refused. Adding a move to contract/order-states.ts without adding it here fails.
import { describe, expect, it } from 'vitest';
import { canTransition, KEEPS_MONEY, SELLER_APPROVAL, MOVES_INTO, ORDER_STATUSES, REVOKES_ACCESS, SELLER_MOVES, SERVES_ACCESS, type OrderStatus } from '../../../contract/order-states';

/** Every allowed move, `from → to`, and why it exists. */
const ALLOWED: Record<string, string> = {
  'pending → paid': 'paid, not yet fulfilled',
  'pending → fulfilled': 'a paid session fulfils',
  'paid → fulfilled': 'fulfilled after being paid',
  'pending → awaiting_shipment': 'a paid physical order waits for the seller',
  'paid → awaiting_shipment': 'a paid physical order waits for the seller',
  'awaiting_shipment → shipped': 'the seller marks it shipped',
  'shipped → delivered': 'the seller marks it delivered',
  'pending → payment_failed': 'a delayed payment failed',
  'pending → expired': 'the session expired',
  'pending → review': 'paid for what the shop does not sell at its price',
  ...Object.fromEntries(['paid', 'review', 'fulfilled', 'restored', 'awaiting_shipment', 'shipped', 'delivered'].map((from) => [`${from} → partially_refunded`, 'some money came back'])),
  ...Object.fromEntries(
    ['pending', 'paid', 'review', 'fulfilled', 'partially_refunded', 'dispute_won', 'restored', 'awaiting_shipment', 'shipped', 'delivered', 'disputed', 'revoked'].map((from) => [`${from} → refunded`, 'all the money came back']),
  ),
  ...Object.fromEntries(
    ['pending', 'paid', 'review', 'fulfilled', 'partially_refunded', 'restored', 'awaiting_shipment', 'shipped', 'delivered', 'revoked'].flatMap((from) => [
      [`${from} → disputed`, 'a dispute opened'],
      [`${from} → dispute_won`, 'a dispute closed won (its opening may come later)'],
      [`${from} → dispute_lost`, 'a dispute closed lost (its opening may come later)'],
    ]),
  ),
  'disputed → dispute_won': 'the dispute was won',
  'disputed → dispute_lost': 'the dispute was lost',
  ...Object.fromEntries(['fulfilled', 'partially_refunded', 'dispute_won', 'restored', 'awaiting_shipment', 'shipped', 'delivered'].map((from) => [`${from} → revoked`, 'the seller revokes access'])),
  'revoked → restored': 'the seller restores what they revoked',
};

const pairs = ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as const));

describe('the order state table', () => {
  it.each(Object.entries(ALLOWED))('allows %s (%s)', (move) => {
    const [from, to] = move.split(' → ') as [OrderStatus, OrderStatus];
    expect(canTransition(from, to)).toBe(true);
  });

  it.each(pairs.filter(([from, to]) => !(`${from} → ${to}` in ALLOWED)).map(([from, to]) => `${from} → ${to}`))('refuses %s', (move) => {
    const [from, to] = move.split(' → ') as [OrderStatus, OrderStatus];
    expect(canTransition(from, to)).toBe(false);
  });

  it('lists every allowed move in this test, and names only states that exist', () => {
    const tableMoves = Object.entries(MOVES_INTO).flatMap(([to, froms]) => froms.map((from) => `${from} → ${to}`));
    expect(new Set(tableMoves)).toEqual(new Set(Object.keys(ALLOWED)));
    for (const move of tableMoves) for (const status of move.split(' → ')) expect(ORDER_STATUSES).toContain(status);
  });

  it('lets any status start an order, and never moves back to pending', () => {
    for (const status of ORDER_STATUSES) expect(canTransition(null, status)).toBe(true);
    expect(MOVES_INTO.pending).toEqual([]);
  });

  it('never leaves refunded, a failed payment, an expiry or a lost dispute by itself', () => {
    for (const final of ['refunded', 'payment_failed', 'expired', 'dispute_lost'] as const) {
      expect(ORDER_STATUSES.filter((to) => canTransition(final, to))).toEqual([]);
    }
  });

  it('serves access and revokes it in disjoint sets of states, and keeps no money of a refunded, disputed or lost order', () => {
    for (const status of SERVES_ACCESS) expect(REVOKES_ACCESS as readonly string[]).not.toContain(status);
    for (const status of ['refunded', 'disputed', 'dispute_lost', 'pending', 'expired', 'payment_failed'] as const) expect(KEEPS_MONEY as readonly string[]).not.toContain(status);
  });

  it('fulfils from review only by the seller’s approval, which is not a move any event may make', () => {
    expect(SELLER_APPROVAL).toEqual({ from: 'review', to: 'fulfilled' });
    expect(canTransition('review', 'fulfilled')).toBe(false);
  });

  it('the seller restores only what the seller revoked', () => {
    expect(MOVES_INTO.restored).toEqual(['revoked']);
    expect(SELLER_MOVES).toEqual(['revoked', 'restored', 'shipped', 'delivered']);
  });
});
