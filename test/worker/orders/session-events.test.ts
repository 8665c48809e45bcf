// A paid session is fulfilled only when it bought what the shop sells, at its price;
// everything else is held in `review`, unfulfilled, logged and noted in the ledger.
import { describe, expect, it } from 'vitest';
import { ledgerRow, orderRow, testApp } from '../support/app';
import { checkoutSession, delivery, event } from '../support/stripe';

describe('checkout.session.completed: amount and currency checked against the catalog', () => {
  it.each([
    ['1 JPY for a $24 product', { currency: 'jpy', amount_subtotal: 1, amount_total: 1 }, /charged in jpy, sold in usd/],
    ['−2400 for a $24 product', { amount_subtotal: -2400, amount_total: -2400 }, /not a whole number of 2400/],
    ['$1 for a $24 product', { amount_subtotal: 100, amount_total: 100 }, /not a whole number of 2400/],
  ])('%s → review, not fulfilled, hook not called, reason in the ledger', async (_name, amounts, reason) => {
    const app = testApp();
    const session = checkoutSession({ metadata: { product_id: 'trail-map-print' }, currency: 'usd', ...amounts });
    const paid = event('checkout.session.completed', session);
    expect((await app.send(await delivery(paid))).status).toBe(200);
    expect(await orderRow(session.id)).toMatchObject({ status: 'review', delivery_token: null, fulfilled_at: null });
    expect(app.calls).toHaveLength(0);
    expect(await ledgerRow(paid.id)).toMatchObject({ status: 'processed', note: expect.stringMatching(reason) });
  });

  it('two units of a $24 product with a promotion code taking $8 off the total → fulfilled', async () => {
    const app = testApp();
    const session = checkoutSession({ metadata: { product_id: 'trail-map-print' }, amount_subtotal: 4800, amount_total: 4000 });
    await app.send(await delivery(event('checkout.session.completed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
    expect(app.calls).toHaveLength(1);
  });

  it('a later async_payment_succeeded does not fulfil an order held for review', async () => {
    const app = testApp();
    const session = checkoutSession({ metadata: { product_id: 'trail-map-print' }, currency: 'jpy', amount_subtotal: 1, amount_total: 1 });
    await app.send(await delivery(event('checkout.session.completed', session)));
    await app.send(await delivery(event('checkout.session.async_payment_succeeded', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'review' });
    expect(app.calls).toHaveLength(0);
  });
});

describe('every verified event leaves a ledger row', () => {
  it('a signed checkout event whose object has no id → 500, recorded as failed with the error', async () => {
    const app = testApp();
    const { id: _dropped, ...withoutId } = checkoutSession();
    const broken = event('checkout.session.completed', withoutId);
    const response = await app.send(await delivery(broken));
    expect(response.status).toBe(500);
    expect(await ledgerRow(broken.id)).toMatchObject({ status: 'failed', attempts: 1, last_error: 'checkout session in the event has no id' });
    // Stripe's retry finds the row and runs again (and fails again, loudly).
    expect((await app.send(await delivery(broken))).status).toBe(500);
    expect(await ledgerRow(broken.id)).toMatchObject({ status: 'failed', attempts: 2 });
  });
});
