// What a session means for its order is decided once, for the webhook and the success page's landing alike.
import { describe, expect, it } from 'vitest';
import { sessionOutcome, type SessionNews } from '../../../worker/orders/order-events';

const session = (status: 'open' | 'complete' | 'expired', payment_status: 'paid' | 'unpaid' | 'no_payment_required') => ({ status, payment_status });

describe('sessionOutcome', () => {
  it.each<[SessionNews, ReturnType<typeof session>, string]>([
    ['checkout.session.completed', session('complete', 'paid'), 'fulfil'],
    ['checkout.session.completed', session('complete', 'no_payment_required'), 'fulfil'],
    ['checkout.session.completed', session('complete', 'unpaid'), 'pending'],
    ['checkout.session.async_payment_succeeded', session('complete', 'paid'), 'fulfil'],
    ['checkout.session.async_payment_failed', session('complete', 'unpaid'), 'payment_failed'],
    ['checkout.session.expired', session('expired', 'unpaid'), 'expired'],
  ])('%s of a session %o → %s', (news, state, outcome) => {
    expect(sessionOutcome(state, news)).toBe(outcome);
  });

  it.each([
    [session('open', 'unpaid'), null],
    [session('expired', 'unpaid'), 'expired'],
    [session('complete', 'unpaid'), 'pending'],
    [session('complete', 'paid'), 'fulfil'],
    [session('complete', 'no_payment_required'), 'fulfil'],
  ])('a session the shop read itself, %o → %s', (state, outcome) => {
    expect(sessionOutcome(state)).toBe(outcome);
  });
});
