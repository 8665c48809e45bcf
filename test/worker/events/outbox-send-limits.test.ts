// Cloudflare Queues takes at most 100 messages per sendBatch call (developers.cloudflare.com/
// queues/platform/limits): a group commit of 100 paid sessions makes 200 outbox rows (a
// delivery and a receipt each), and every one of them must reach the outbox queue.
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { consumeEvents } from '../../../worker/events/consume';
import type { EventMessage, OutboxMessage } from '../../../worker/platform/env';
import { testApp, testEnv } from '../support/app';
import { checkoutSession, event, fixture } from '../support/stripe';

/** An outbox producer that refuses a sendBatch of more than 100 messages, as Queues does. */
function limitedOutbox() {
  const sent: OutboxMessage[] = [];
  const calls: number[] = [];
  const queue = {
    async send(body: OutboxMessage) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<OutboxMessage>>) {
      const batch = [...messages];
      calls.push(batch.length);
      if (batch.length > 100) throw new Error('Unknown Internal Error (15000)');
      sent.push(...batch.map((message) => message.body));
    },
  } as unknown as Queue<OutboxMessage>;
  return { queue, sent, calls };
}

describe('the outbox rows of a group commit reach the queue', () => {
  it('a batch of 100 paid sessions queues all 200 of its outbox rows, in sendBatch calls of at most 100 messages', async () => {
    const app = testApp();
    const outbox = limitedOutbox();
    const environment = testEnv({ OUTBOX: outbox.queue });
    const bodies: EventMessage[] = Array.from({ length: 100 }, (_, i) => ({
      payload: JSON.stringify(event('checkout.session.completed', checkoutSession({ customer_details: { ...fixture<object>('checkout.session'), email: `b${i}@example.com` } as never }))),
    }));
    const batch = createMessageBatch<EventMessage>('edge-storefront-events', bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    await consumeEvents(batch, { ...app.deps, db: env.DB, env: environment, waitUntil: (promise) => ctx.waitUntil(promise) });
    await waitOnExecutionContext(ctx);
    expect(outbox.sent).toHaveLength(200);
    expect(new Set(outbox.sent.map((message) => message.outboxId)).size).toBe(200);
    expect(Math.max(...outbox.calls)).toBeLessThanOrEqual(100);
  });
});
