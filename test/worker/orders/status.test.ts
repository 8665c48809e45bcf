import { describe, expect, it } from 'vitest';
import { canTransition, ORDER_STATUSES, statusesMovingInto } from '../../../worker/orders/status';

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
    expect(canTransition('pending', 'refunded')).toBe(false);
  });

  it('never moves back to pending', () => {
    expect(statusesMovingInto('pending')).toEqual([]);
  });
});
