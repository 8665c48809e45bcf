import { describe, expect, it } from 'vitest';
import { ledgerRow, orderRow, snapshot, testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event, WEBHOOK_SECRET } from '../support/stripe';

describe('POST /webhooks/stripe', () => {
  it('fulfils a paid checkout.session.completed and records it in the ledger', async () => {
    const { send, calls } = testApp();
    const session = checkoutSession();
    const completed = event('checkout.session.completed', session);

    const response = await send(await delivery(completed));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'processed' });
    expect(calls).toHaveLength(1);
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'processed', attempts: 1, type: 'checkout.session.completed' });
    expect(await orderRow(session.id)).toMatchObject({
      status: 'fulfilled',
      client_reference_id: 'buyer_123',
      product_id: 'field-notes',
      amount_total: 1200,
      currency: 'usd',
      delivery_token: 'dl_test_1',
    });
  });

  it('rejects a body signed with another secret and writes nothing', async () => {
    const { send, calls } = testApp();
    const before = await snapshot();
    const response = await send(await delivery(event('checkout.session.completed', checkoutSession()), { secret: 'whsec_someone_else' }));
    expect(response.status).toBe(400);
    expect((await response.json() as { error: string }).error).toMatch(/no signature matches/);
    expect(await snapshot()).toEqual(before);
    expect(calls).toHaveLength(0);
  });
});
