// The outbox: side effects committed with the state that calls for them, carried out
// after the response by the Queues consumer — once per order and kind, retried with
// backoff, dead after too many attempts, re-sent by the sweeper when a message is lost.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { CATALOG_REBUILD_WINDOW_MS } from '../../../worker/mirror/sync';
import worker from '../../../worker/index';
import type { OutboxMessage } from '../../../worker/platform/env';
import { MAX_OUTBOX_ATTEMPTS, retryDelaySeconds } from '../../../worker/outbox/carry-out';
import { orderRow, outboxRow, testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event, fixture } from '../support/stripe';

const outboxId = async (subject: string, kind: string) =>
  (await env.DB.prepare('SELECT id FROM outbox WHERE subject = ? AND kind = ?').bind(subject, kind).first<{ id: number }>())!.id;

describe('retryDelaySeconds', () => {
  it('doubles from 10 s and stops at an hour', () => {
    expect([1, 2, 3, 4].map(retryDelaySeconds)).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(20)).toBe(3600);
  });
});

describe('deliveries from the outbox', () => {
  it('completed and async_payment_succeeded for one session: one outbox row, one delivery', async () => {
    const app = testApp();
    const session = checkoutSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    await app.send(await delivery(event('checkout.session.async_payment_succeeded', session)));
    const { results } = await env.DB.prepare(`SELECT kind, status FROM outbox WHERE subject = ?`).bind(session.id).all();
    expect(results).toEqual([{ kind: 'delivered', status: 'done' }]);
    expect(app.deliveries.map((request) => request.order.id)).toEqual([session.id]);
    // The hook gets the order as committed: fulfilled, with its token.
    expect(app.deliveries[0]!.order).toMatchObject({ status: 'fulfilled', deliveryToken: app.tokens[0] });
  });

  it('a failing deliver hook is retried with backoff, then dead after the last attempt, kept with its error', async () => {
    let clock = Date.now();
    let attempts = 0;
    const app = testApp({
      now: () => clock,
      deliver: async () => {
        attempts++;
        throw new Error('mail server refused');
      },
    });
    const session = checkoutSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'pending', attempts: 1, last_error: 'mail server refused' });

    for (let attempt = 2; attempt <= MAX_OUTBOX_ATTEMPTS; attempt++) {
      clock += retryDelaySeconds(attempt - 1) * 1000;
      await app.redeliverRetries();
    }
    expect(attempts).toBe(MAX_OUTBOX_ATTEMPTS);
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'dead', attempts: MAX_OUTBOX_ATTEMPTS, last_error: 'mail server refused' });
    // Dead is final: nothing asks again.
    clock += 3_600_000;
    await app.redeliverRetries();
    expect(attempts).toBe(MAX_OUTBOX_ATTEMPTS);
  });

  it('a message that arrives before its retry is due is not an attempt', async () => {
    let fail = true;
    const app = testApp({
      deliver: async () => {
        if (fail) throw new Error('down');
      },
    });
    const session = checkoutSession();
    await app.send(await delivery(event('checkout.session.completed', session)));
    fail = false;
    await app.redeliverRetries(); // the clock has not moved: 10 s are not over
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'pending', attempts: 1 });
    expect(app.deliveries).toHaveLength(0);
  });

  it('a delivery still queued when the refund lands is not carried out', async () => {
    let fail = true;
    const app = testApp({
      deliver: async (request) => {
        if (fail) throw new Error('down');
        app.deliveries.push(request);
      },
    });
    const paymentIntent = `pi_${crypto.randomUUID().replaceAll('-', '')}`;
    const session = checkoutSession({ payment_intent: paymentIntent });
    await app.send(await delivery(event('checkout.session.completed', session)));
    await app.send(await delivery(event('charge.refunded', { ...fixture<Stripe.Charge>('charge'), payment_intent: paymentIntent, refunded: true })));
    fail = false;
    await app.redeliverRetries(undefined, 60_000);
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'done' });
    expect(app.deliveries).toHaveLength(0);
    expect(app.revocations.map((r) => r.order.id)).toEqual([session.id]);
  });
});

describe('the worker entry’s queue and scheduled handlers', () => {
  it('the queue handler carries out a message’s row and acknowledges it', async () => {
    const app = testApp();
    const session = checkoutSession();
    // Committed without a queue: the row waits.
    await app.app.fetch(await delivery(event('checkout.session.completed', session)), testEnv(), createExecutionContext());
    const id = await outboxId(session.id, 'delivered');
    const batch = createMessageBatch<OutboxMessage>('edge-storefront-outbox', [{ id: 'm1', timestamp: new Date(), attempts: 1, body: { outboxId: id } }]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv(), ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(['m1']);
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'done', attempts: 1 });
  });

  it('the cron sweeper carries out rows whose message was lost', async () => {
    const app = testApp();
    const session = checkoutSession();
    const lost = testEnv();
    await app.app.fetch(await delivery(event('checkout.session.completed', session)), lost, createExecutionContext());
    // Make the row overdue by more than the sweeper's grace, as a lost message leaves it.
    await env.DB.prepare('UPDATE outbox SET next_attempt_at = next_attempt_at - 3600000 WHERE subject = ?').bind(session.id).run();
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: '* * * * *' }), lost, ctx);
    await waitOnExecutionContext(ctx);
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'done' });
  });
});

describe('catalog rebuilds are coalesced', () => {
  it('200 price events within one window make one rebuild row, due when the window closes; the next window gets its own', async () => {
    const start = (Math.floor(Date.now() / CATALOG_REBUILD_WINDOW_MS) + 2) * CATALOG_REBUILD_WINDOW_MS;
    let clock = start;
    const app = testApp({ now: () => clock });
    const productId = `prod_burst${crypto.randomUUID().slice(0, 8)}`;
    const before = (await env.DB.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'catalog'`).first<{ n: number }>())!.n;
    for (let i = 0; i < 200; i++) {
      const price = { ...fixture<Stripe.Price>('price'), id: `price_burst_${productId}_${i}`, product: productId };
      expect((await app.send(await delivery(event('price.created', price)))).status).toBe(200);
    }
    const rows = await env.DB.prepare(`SELECT subject, next_attempt_at AS dueAt, status FROM outbox WHERE kind = 'catalog' ORDER BY id DESC LIMIT 2`).all<{ subject: string; dueAt: number; status: string }>();
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'catalog'`).first<{ n: number }>())!.n).toBe(before + 1);
    expect(rows.results[0]).toMatchObject({ status: 'pending' });
    expect(rows.results[0]!.dueAt).toBeGreaterThanOrEqual(start + CATALOG_REBUILD_WINDOW_MS);

    clock += 2 * CATALOG_REBUILD_WINDOW_MS;
    await app.redeliverRetries();
    expect(await outboxRow(rows.results[0]!.subject, 'catalog')).toMatchObject({ status: 'done', attempts: 1 });
    const price = { ...fixture<Stripe.Price>('price'), id: `price_burst_${productId}_next`, product: productId };
    await app.send(await delivery(event('price.created', price)));
    expect((await env.DB.prepare(`SELECT count(*) AS n FROM outbox WHERE kind = 'catalog'`).first<{ n: number }>())!.n).toBe(before + 2);
  });
});
