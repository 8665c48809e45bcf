import { describe, expect, it } from 'vitest';
import { ORDER_STATUSES } from '../../../contract/api';
import { canTransition, statusesMovingInto } from '../../../worker/orders/status';

describe('order status transitions', () => {
  it('lets any status start an order', () => {
    for (const status of ORDER_STATUSES) expect(canTransition(null, status)).toBe(true);
  });

  it('moves pending forward to every outcome', () => {
    expect(canTransition('pending', 'fulfilled')).toBe(true);
    expect(canTransition('pending', 'payment_failed')).toBe(true);
    expect(canTransition('pending', 'expired')).toBe(true);
  });

  it('never leaves a final status, and never re-fulfils', () => {
    for (const final of ['payment_failed', 'expired', 'refunded'] as const) {
      for (const to of ORDER_STATUSES) expect(canTransition(final, to)).toBe(false);
    }
    expect(canTransition('fulfilled', 'fulfilled')).toBe(false);
  });

  it('leaves fulfilled only when the money goes back', () => {
    const from = ORDER_STATUSES.filter((to) => canTransition('fulfilled', to));
    expect(from).toEqual(['refunded', 'disputed']);
    expect(canTransition('disputed', 'refunded')).toBe(true);
  });

  it('lets money that went back overtake an order not yet fulfilled (pending, review), never a failed or expired one', () => {
    for (const to of ['refunded', 'disputed'] as const) {
      expect(canTransition('pending', to)).toBe(true);
      expect(canTransition('review', to)).toBe(true);
      expect(canTransition('payment_failed', to)).toBe(false);
      expect(canTransition('expired', to)).toBe(false);
    }
    expect(canTransition('refunded', 'disputed')).toBe(false);
  });

  it('holds for review only what is pending or new, and never fulfils from review by itself', () => {
    expect(statusesMovingInto('review')).toEqual(['pending']);
    expect(canTransition('review', 'fulfilled')).toBe(false);
    expect(canTransition('fulfilled', 'review')).toBe(false);
  });

  it('never moves back to pending', () => {
    expect(statusesMovingInto('pending')).toEqual([]);
  });
});
