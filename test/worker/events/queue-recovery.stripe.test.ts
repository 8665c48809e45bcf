// Queue mode with the fake Stripe: the buyer never waits for the group commit (the success
// page's lookup records the order through the landing path), and an accepted event the queue
// lost (Miniflare keeps its queues in memory) comes back by a replay from Stripe's /v1/events.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { ReplayResponse } from '../../../contract/api';
import { consumeEvents } from '../../../worker/events/consume';
import type { EventMessage } from '../../../worker/platform/env';
import { bodyOf, ledgerRow, orderRow, testApp } from '../support/app';
import { onSale, stripe, withStripe, startCheckout } from '../support/on-sale';
import { delivery } from '../support/stripe';
import { adminApi } from '../support/back-office';

async function paidSession(app: ReturnType<typeof testApp>): Promise<{ sessionId: string; completed: Stripe.Event }> {
  const { price } = await onSale(app);
  const sessionId = await startCheckout(app, { items: [{ price: price.id, quantity: 1 }], clientReferenceId: 'buyer_queue' });
  await fetch(`${env.FAKE_STRIPE_URL}/__fake/checkout/${sessionId}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  const events = await stripe.events.list({ type: 'checkout.session.completed', limit: 100 });
  const completed = events.data.find((candidate) => (candidate.data.object as { id?: string }).id === sessionId);
  if (!completed) throw new Error(`the fake Stripe made no checkout.session.completed for ${sessionId}`);
  return { sessionId, completed };
}

function heldQueue() {
  const held: EventMessage[] = [];
  const queue = {
    async send(body: EventMessage) {
      held.push(body);
    },
  } as unknown as Queue<EventMessage>;
  return { queue, held };
}

describe('queue mode: the buyer never waits for the batch', () => {
  it('the success page’s lookup finds a paid order whose event is still queued; the consumer then marks the event processed, one order, one delivery row', async () => {
    const app = testApp();
    const { sessionId, completed } = await paidSession(app);
    const { queue, held } = heldQueue();
    const queued = await app.send(await delivery(completed as unknown as object), { ...withStripe(), EVENTS: queue });
    expect(await queued.json()).toEqual({ received: true, outcome: 'queued' });
    expect(await ledgerRow(completed.id)).toBeNull();

    const lookup = await app.send(new Request(`https://shop.example/api/orders/${sessionId}`, { headers: { 'cf-connecting-ip': '198.51.100.9' } }), withStripe());
    expect(lookup.status).toBe(200);
    expect(await orderRow(sessionId)).toMatchObject({ status: 'fulfilled' });

    const batch = createMessageBatch<EventMessage>('edge-storefront-events', held.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    const environment = withStripe();
    await consumeEvents(batch, { ...app.deps, db: environment.DB, env: environment, waitUntil: (promise) => ctx.waitUntil(promise) });
    await waitOnExecutionContext(ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m0']);
    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await orderRow(sessionId)).toMatchObject({ status: 'fulfilled' });
    const { results } = await env.DB.prepare(`SELECT count(*) AS n FROM outbox WHERE subject = ? AND kind = 'delivered'`).bind(sessionId).all();
    expect(results[0]?.n).toBe(1);
  });

  it('an accepted event the queue lost is brought back by a replay from Stripe’s /v1/events', async () => {
    const app = testApp();
    const { sessionId, completed } = await paidSession(app);
    const { queue, held } = heldQueue();
    const queued = await app.send(await delivery(completed as unknown as object), { ...withStripe(), EVENTS: queue });
    expect(await queued.json()).toEqual({ received: true, outcome: 'queued' });
    // The local queue lived in memory and the process died: the message is gone.
    held.length = 0;
    expect(await orderRow(sessionId)).toBeNull();

    let next: string | null = null;
    let pages = 0;
    do {
      const page: ReplayResponse = await bodyOf(adminApi(app, withStripe()).replay.$post({ json: next ? { startingAfter: next } : {} }));
      next = page.hasMore ? page.next : null;
      pages++;
    } while (next && pages < 50);

    expect(await ledgerRow(completed.id)).toMatchObject({ status: 'processed' });
    expect(await orderRow(sessionId)).toMatchObject({ status: 'fulfilled' });
  });
});
