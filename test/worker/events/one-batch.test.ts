// A paid checkout webhook costs one D1 round trip: the claim, its assertion, the
// order, its line items, the outbox rows and the processed mark travel together.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { createApp } from '../../../worker/app';
import { ledgerRow, orderRow, outboxRow, snapshot, testApp, testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { checkoutSession, delivery, event } from '../support/stripe';

describe('one D1 round trip per webhook', () => {
  it('a paid checkout.session.completed costs one round trip, and commits its order, ledger row and delivery', async () => {
    const { db, counts } = countingDb(env.DB);
    // The request alone: no queue consumer runs here to add its own reads.
    const app = createApp();
    const session = checkoutSession();
    const paid = event('checkout.session.completed', session);
    const ctx = createExecutionContext();
    const response = await app.fetch(await delivery(paid), testEnv({ DB: db }), ctx);
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
    expect(counts.roundTrips).toBe(1);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
    expect(await ledgerRow(paid.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('a duplicate delivery’s batch is refused whole: nothing it would write appears', async () => {
    const first = testApp();
    const paid = event('checkout.session.completed', checkoutSession());
    await first.send(await delivery(paid));
    const before = await snapshot();
    // A fresh app (another isolate) has not seen the event and runs its handler; its batch must roll back.
    const second = testApp();
    const response = await second.send(await delivery(paid));
    expect(await response.json()).toEqual({ received: true, outcome: 'duplicate' });
    expect(second.calls).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
  });
});
