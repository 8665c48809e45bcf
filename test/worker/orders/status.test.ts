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
    for (const final of ['fulfilled', 'payment_failed', 'expired'] as const) {
      for (const to of ORDER_STATUSES) expect(canTransition(final, to)).toBe(false);
    }
  });

  it('never moves back to pending', () => {
    expect(statusesMovingInto('pending')).toEqual([]);
  });
});
