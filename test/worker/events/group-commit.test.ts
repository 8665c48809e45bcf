// Accept fast, commit in groups: in queue mode a verified webhook is answered once its event
// is queued, and the EVENTS consumer commits a whole batch of events in one D1 batch through
// the same decision as the synchronous path. Driven through the real consumer in workerd.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { consumeEvents, recordDeadLettered } from '../../../worker/events/consume';
import { MAX_QUEUED_EVENT_BYTES } from '../../../worker/events/receive';
import worker from '../../../worker/index';
import type { Env, EventMessage } from '../../../worker/platform/env';
import { ledgerRow, orderRow, outboxRow, snapshot, testApp, testEnv } from '../support/app';
import { countingDb } from '../support/counting-db';
import { checkoutSession, delivery, event, fixture, type TestEvent } from '../support/stripe';

/** An EVENTS producer that holds what it is sent, as the queue would until its consumer runs. */
function heldQueue(options: { failWith?: Error } = {}) {
  const held: EventMessage[] = [];
  const queue = {
    async send(body: EventMessage) {
      if (options.failWith) throw options.failWith;
      held.push(body);
    },
    async sendBatch(messages: Iterable<MessageSendRequest<EventMessage>>) {
      for (const message of messages) await queue.send(message.body);
    },
  } as unknown as Queue<EventMessage>;
  return { queue, held };
}

const message = (body: EventMessage, i: number, attempts = 1) => ({ id: `m${i}`, timestamp: new Date(), attempts, body });

/** Runs the real consumer on `bodies` as one queue batch; returns which message ids it acked and retried. */
async function consume(app: ReturnType<typeof testApp>, bodies: EventMessage[], options: { db?: D1Database; attempts?: number; environment?: Env } = {}) {
  const environment = options.environment ?? testEnv(options.db ? { DB: options.db } : {});
  const batch = createMessageBatch<EventMessage>('edge-storefront-events', bodies.map((body, i) => message(body, i, options.attempts)));
  const ctx = createExecutionContext();
  await consumeEvents(batch, { ...app.deps, db: environment.DB, env: environment, waitUntil: (promise) => ctx.waitUntil(promise) });
  await waitOnExecutionContext(ctx);
  const result = await getQueueResult(batch, ctx);
  return { acked: result.explicitAcks, retried: result.retryMessages.map((retry: { msgId: string }) => retry.msgId) };
}

const body = (e: TestEvent): EventMessage => ({ payload: JSON.stringify(e) });

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('accept fast: the webhook in queue mode', () => {
  it('a verified event is answered 200 queued with its raw body on the queue, and nothing written to D1', async () => {
    const app = testApp();
    const { queue, held } = heldQueue();
    const paid = event('checkout.session.completed', checkoutSession());
    const before = await snapshot();
    const request = await delivery(paid);
    const raw = await request.clone().text();
    const response = await app.send(request, testEnv({ EVENTS: queue }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, outcome: 'queued' });
    expect(held).toEqual([{ payload: raw }]);
    expect(await snapshot()).toEqual(before);
    expect(app.calls).toHaveLength(0);
  });

  it('a send that fails answers 500 so that Stripe retries, and writes nothing', async () => {
    const app = testApp();
    const { queue } = heldQueue({ failWith: new Error('queue unavailable') });
    const before = await snapshot();
    const response = await app.send(await delivery(event('checkout.session.completed', checkoutSession())), testEnv({ EVENTS: queue }));
    expect(response.status).toBe(500);
    expect(await snapshot()).toEqual(before);
  });

  it('a bad signature is refused 400 and nothing is queued', async () => {
    const app = testApp();
    const { queue, held } = heldQueue();
    const response = await app.send(await delivery(event('checkout.session.completed', checkoutSession()), { secret: 'whsec_not_ours' }), testEnv({ EVENTS: queue }));
    expect(response.status).toBe(400);
    expect(held).toEqual([]);
  });

  it('an event larger than a queue message is committed on its request, as in sync mode', async () => {
    const app = testApp();
    const { queue, held } = heldQueue();
    const session = checkoutSession();
    const big = event('checkout.session.completed', session, { padding: 'x'.repeat(MAX_QUEUED_EVENT_BYTES) });
    const response = await app.send(await delivery(big), testEnv({ EVENTS: queue }));
    expect(await response.json()).toEqual({ received: true, outcome: 'processed' });
    expect(held).toEqual([]);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });

  it('WEBHOOK_PROCESSING=sync commits on the request even with the EVENTS queue bound', async () => {
    const app = testApp();
    const { queue, held } = heldQueue();
    const session = checkoutSession();
    const response = await app.send(await delivery(event('checkout.session.completed', session)), testEnv({ EVENTS: queue, WEBHOOK_PROCESSING: 'sync' }));
    expect(await response.json()).toEqual({ received: true, outcome: 'processed' });
    expect(held).toEqual([]);
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });
});

describe('commit in groups: the EVENTS consumer', () => {
  it('a batch of 100 with duplicates, shuffled, and one malformed message commits 80 events once in one D1 batch and retries only the malformed one', async () => {
    const app = testApp();
    const sessions = Array.from({ length: 80 }, () => checkoutSession());
    const events = sessions.map((session) => event('checkout.session.completed', session));
    const duplicates = events.slice(0, 19);
    const malformed: EventMessage = { payload: '{"object":"event","id":' };
    const bodies = shuffled([...events, ...duplicates].map(body).concat(malformed));
    expect(bodies).toHaveLength(100);
    const { db, counts } = countingDb(env.DB);

    const { acked, retried } = await consume(app, bodies, { db });

    const malformedId = `m${bodies.indexOf(malformed)}`;
    expect(retried).toEqual([malformedId]);
    expect(acked.sort()).toEqual(bodies.map((_, i) => `m${i}`).filter((id) => id !== malformedId).sort());
    // One read of what the ledger already holds, one batch for all 80 events.
    expect(counts.roundTrips).toBe(2);
    for (const [i, session] of sessions.entries()) {
      expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
      expect(await ledgerRow(events[i]!.id)).toMatchObject({ status: 'processed', attempts: 1 });
      expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'pending' });
    }
    // Each distinct event's handler ran once: duplicates in the batch never reached it.
    expect(app.calls).toHaveLength(80);
  });

  it('the malformed message, dead-lettered, is acknowledged and logged, and writes nothing', async () => {
    const app = testApp();
    const before = await snapshot();
    const batch = createMessageBatch<EventMessage>('edge-storefront-events-dlq', [message({ payload: 'not json' }, 0, 6)]);
    const ctx = createExecutionContext();
    await recordDeadLettered(batch, { ...app.deps, db: env.DB, env: testEnv(), waitUntil: (promise) => ctx.waitUntil(promise) });
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m0']);
    expect(await snapshot()).toEqual(before);
  });

  it('events already in the ledger are acknowledged without running again', async () => {
    const app = testApp();
    const session = checkoutSession();
    const paid = event('checkout.session.completed', session);
    await app.send(await delivery(paid));
    const before = await snapshot();
    const { acked, retried } = await consume(app, [body(paid), body(paid)]);
    expect(acked.sort()).toEqual(['m0', 'm1']);
    expect(retried).toEqual([]);
    expect(app.calls).toHaveLength(1);
    expect(await snapshot()).toEqual(before);
  });

  it('an event whose handler throws is recorded failed and retried alone; the others commit; dead-lettered it stays failed with its error', async () => {
    const poisoned = checkoutSession();
    const app = testApp({
      fulfil: async (request) => {
        if (request.order.id === poisoned.id) throw new Error('warehouse says no');
        return { deliveryToken: null };
      },
    });
    const good = [checkoutSession(), checkoutSession()];
    const poison = event('checkout.session.completed', poisoned);
    const fine = good.map((session) => event('checkout.session.completed', session));
    const { acked, retried } = await consume(app, [body(fine[0]!), body(poison), body(fine[1]!)]);
    expect(retried).toEqual(['m1']);
    expect(acked.sort()).toEqual(['m0', 'm2']);
    for (const session of good) expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
    expect(await orderRow(poisoned.id)).toBeNull();
    expect(await ledgerRow(poison.id)).toMatchObject({ status: 'failed', last_error: 'warehouse says no' });

    const batch = createMessageBatch<EventMessage>('edge-storefront-events-dlq', [message(body(poison), 0, 6)]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv(), ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m0']);
    expect(await ledgerRow(poison.id)).toMatchObject({ status: 'failed', last_error: 'dead-lettered after 6 deliveries from the queue: warehouse says no' });
  });

  it('a consumer that fails at its commit loses nothing: the batch is retried whole, and the retry commits each event once', async () => {
    const app = testApp();
    const sessions = [checkoutSession(), checkoutSession(), checkoutSession()];
    const bodies = sessions.map((session) => body(event('checkout.session.completed', session)));
    const before = await snapshot();
    const crashing = new Proxy(env.DB, {
      get(target, property) {
        if (property === 'batch') return async () => Promise.reject(new Error('D1_ERROR: Network connection lost.'));
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const first = await consume(app, bodies, { db: crashing });
    expect(first.acked).toEqual([]);
    expect(first.retried.sort()).toEqual(['m0', 'm1', 'm2']);
    expect(await snapshot()).toEqual(before);

    const second = await consume(app, bodies, { attempts: 2 });
    expect(second.acked.sort()).toEqual(['m0', 'm1', 'm2']);
    for (const session of sessions) expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
  });

  it('an event claimed by another delivery while the batch was computed makes the batch retry whole; the retry skips it and commits the rest', async () => {
    const app = testApp();
    const other = testApp();
    const sessions = [checkoutSession(), checkoutSession()];
    const events = sessions.map((session) => event('checkout.session.completed', session));
    let raced = false;
    const racing = new Proxy(env.DB, {
      get(target, property) {
        if (property === 'batch') {
          return async (statements: D1PreparedStatement[]) => {
            if (!raced) {
              raced = true;
              // Stripe's retry of the first event reached a sync-mode isolate meanwhile.
              await other.send(await delivery(events[0]!));
            }
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const first = await consume(app, events.map(body), { db: racing });
    expect(first.retried.sort()).toEqual(['m0', 'm1']);
    expect(await orderRow(sessions[1]!.id)).toBeNull();

    const second = await consume(app, events.map(body), { attempts: 2 });
    expect(second.acked.sort()).toEqual(['m0', 'm1']);
    expect(await ledgerRow(events[0]!.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await ledgerRow(events[1]!.id)).toMatchObject({ status: 'processed', attempts: 1 });
    expect(await orderRow(sessions[1]!.id)).toMatchObject({ status: 'fulfilled' });
  });

  it('a completed session and its full refund in one batch, in either order, leave the order refunded with one revocation row', async () => {
    for (const refundFirst of [false, true]) {
      const app = testApp();
      const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
      const session = checkoutSession({ payment_intent: paymentIntent });
      const completed = event('checkout.session.completed', session);
      const refunded = event('charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, refunded: true, amount_refunded: 1200 });
      const pair = refundFirst ? [refunded, completed] : [completed, refunded];
      const { acked } = await consume(app, pair.map(body));
      expect(acked.sort()).toEqual(['m0', 'm1']);
      expect(await orderRow(session.id)).toMatchObject({ status: 'refunded' });
      expect(await outboxRow(session.id, 'revoked')).toMatchObject({ status: 'pending' });
    }
  });

  it('a queued event committed by the consumer is the same as one committed on its request', async () => {
    const queuedApp = testApp();
    const { queue, held } = heldQueue();
    const queuedSession = checkoutSession();
    await queuedApp.send(await delivery(event('checkout.session.completed', queuedSession)), testEnv({ EVENTS: queue }));
    await consume(queuedApp, held);
    const syncApp = testApp();
    const syncSession = checkoutSession();
    await syncApp.send(await delivery(event('checkout.session.completed', syncSession)));
    const comparable = (row: Record<string, unknown> | null) => {
      const { id, created_at, updated_at, fulfilled_at, delivery_token, ...rest } = row ?? {};
      return rest;
    };
    expect(comparable(await orderRow(queuedSession.id))).toEqual(comparable(await orderRow(syncSession.id)));
  });
});

describe('one order’s events in one batch', () => {
  // completed (a delayed method: unpaid), async_payment_succeeded, charge.refunded, charge.dispute.created
  const kinds = ['completed', 'succeeded', 'refunded', 'disputed'] as const;
  const permutations = (items: readonly string[]): string[][] =>
    items.length <= 1 ? [[...items]] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));

  it('in each of the 24 orders within one batch, the order ends refunded and revoked, with one revocation row', async () => {
    for (const order of permutations(kinds)) {
      const app = testApp();
      const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
      const session = checkoutSession({ payment_intent: paymentIntent });
      const events: Record<string, TestEvent> = {
        completed: event('checkout.session.completed', { ...session, payment_status: 'unpaid' }),
        succeeded: event('checkout.session.async_payment_succeeded', session),
        refunded: event('charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, refunded: true }),
        disputed: event('charge.dispute.created', { ...fixture<Stripe.Dispute>('dispute'), payment_intent: paymentIntent }),
      };
      const { acked } = await consume(app, order.map((kind) => body(events[kind]!)));
      expect(acked, order.join(' → ')).toHaveLength(4);
      expect(await orderRow(session.id), order.join(' → ')).toMatchObject({ status: 'refunded', revoked_at: expect.any(Number) });
      const { results } = await env.DB.prepare(`SELECT count(*) AS n FROM outbox WHERE subject = ? AND kind = 'revoked'`).bind(session.id).all();
      expect(results[0]?.n, order.join(' → ')).toBe(1);
    }
  });
});
