// The back office's view of what the events queue could not commit: an event its consumer
// failed is failed in the ledger and retried by the queue; one the queue gave up on lands in
// the ledger through the dead-letter queue's consumer, listed as dead-lettered with Retry.
import { createExecutionContext, createMessageBatch, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { consumeEvents, recordDeadLettered } from '../../../worker/events/consume';
import type { EventMessage } from '../../../worker/platform/env';
import { adminApi, adminEnv, adminGet } from '../support/back-office';
import { bodyOf, orderRow, refused, testApp, testEnv } from '../support/app';
import { checkoutSession, event } from '../support/stripe';

/** A paid session's event whose handler throws on every delivery the queue makes, then dead-lettered. */
async function deadLetteredEvent(app: ReturnType<typeof testApp>) {
  const session = checkoutSession();
  const paid = event('checkout.session.completed', session);
  const body: EventMessage = { payload: JSON.stringify(paid) };
  const context = (ctx: ExecutionContext) => ({ ...app.deps, db: env.DB, env: testEnv(), waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) });
  app.failNextWith(new Error('warehouse unreachable'));
  for (let attempts = 1; attempts <= 5; attempts++) {
    const ctx = createExecutionContext();
    await consumeEvents(createMessageBatch('edge-storefront-events', [{ id: `m${attempts}`, timestamp: new Date(), attempts, body }]), context(ctx));
    await waitOnExecutionContext(ctx);
  }
  app.failNextWith(null);
  const ctx = createExecutionContext();
  await recordDeadLettered(createMessageBatch('edge-storefront-events-dlq', [{ id: 'd1', timestamp: new Date(), attempts: 6, body }]), context(ctx));
  await waitOnExecutionContext(ctx);
  return { session, paid };
}

describe('dead-lettered events in the back office', () => {
  it('an event the queue dead-lettered is listed with ?deadLettered=1, marked with when, and counted; a failed one still retried by the queue is not', async () => {
    const app = testApp();
    const dead = await deadLetteredEvent(app);
    const stillRetried = event('checkout.session.completed', checkoutSession());
    app.failNextWith(new Error('warehouse unreachable'));
    const ctx = createExecutionContext();
    await consumeEvents(createMessageBatch('edge-storefront-events', [{ id: 'x', timestamp: new Date(), attempts: 1, body: { payload: JSON.stringify(stillRetried) } }]), {
      ...app.deps,
      db: env.DB,
      env: testEnv(),
      waitUntil: (promise) => ctx.waitUntil(promise),
    });
    await waitOnExecutionContext(ctx);
    app.failNextWith(null);

    const page = await bodyOf(adminApi(app).events.$get({ query: { deadLettered: '1', limit: '100' } }));
    expect(page.events.map((e) => e.id)).toContain(dead.paid.id);
    expect(page.events.map((e) => e.id)).not.toContain(stillRetried.id);
    expect(page.events.find((e) => e.id === dead.paid.id)).toMatchObject({
      status: 'failed',
      deadLetteredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      lastError: expect.stringMatching(/^dead-lettered after 6 deliveries from the queue: warehouse unreachable/),
    });
    expect(page.deadLettered).toBeGreaterThanOrEqual(1);
    expect(page.counts.failed).toBeGreaterThanOrEqual(page.deadLettered + 1);
    const failed = await bodyOf(adminApi(app).events.$get({ query: { status: 'failed', limit: '100' } }));
    expect(failed.events.find((e) => e.id === stillRetried.id)).toMatchObject({ status: 'failed', deadLetteredAt: null });
  });

  it('Retry runs a dead-lettered event: its order is fulfilled and it leaves the dead-lettered list', async () => {
    const app = testApp();
    const dead = await deadLetteredEvent(app);
    expect(await orderRow(dead.session.id)).toBeNull();
    // The shop these events were sent to has no Stripe key (the event carries what it needs).
    const result = await bodyOf(adminApi(app, adminEnv({ STRIPE_SECRET_KEY: undefined })).events[':id'].retry.$post({ param: { id: dead.paid.id }, json: {} }));
    expect(result.results).toEqual([{ id: dead.paid.id, outcome: 'processed' }]);
    expect(await orderRow(dead.session.id)).toMatchObject({ status: 'fulfilled' });
    const page = await bodyOf(adminApi(app).events.$get({ query: { deadLettered: '1', limit: '100' } }));
    expect(page.events.map((e) => e.id)).not.toContain(dead.paid.id);
  });

  it('says where accepted events wait: queue with the EVENTS queue bound, sync without', async () => {
    const app = testApp();
    const queued = await bodyOf(adminApi(app, adminEnv({ EVENTS: {} as Queue })).events.$get({ query: { limit: '1' } }));
    expect(queued.processing).toBe('queue');
    const sync = await bodyOf(adminApi(app, adminEnv({ EVENTS: undefined })).events.$get({ query: { limit: '1' } }));
    expect(sync.processing).toBe('sync');
  });

  it('?deadLettered= anything but 1 is refused 400', async () => {
    const app = testApp();
    // A value the query's type does not allow: sent as a raw request.
    expect(await refused(app.send(adminGet('events?deadLettered=yes'), adminEnv()), 400)).toEqual({ error: 'deadLettered must be 1' });
  });
});
