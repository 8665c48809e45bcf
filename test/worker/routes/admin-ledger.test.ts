// The back office's ledger (failed events with their error and attempts, Retry now
// through the redelivery path, retry all failed, ignored types counted) and health.
import { describe, expect, it } from 'vitest';
import { adminApi, adminEnv, SYNC_TOKEN } from '../support/back-office';
import { bodyOf, ledgerRow, orderRow, refused, snapshot, testApp } from '../support/app';
import { checkoutSession, delivery, event, WEBHOOK_SECRET } from '../support/stripe';

// The shop these events were sent to has no Stripe key (the events carry what they need).
const shopEnv = () => adminEnv({ STRIPE_SECRET_KEY: undefined });


/** A paid checkout event whose handling failed (the fulfil hook threw), as Stripe would retry it. */
async function failedEvent(app: ReturnType<typeof testApp>) {
  const session = checkoutSession();
  const paid = event('checkout.session.completed', session);
  app.failNextWith(new Error('warehouse unreachable'));
  expect((await app.send(await delivery(paid))).status).toBe(500);
  app.failNextWith(null);
  return { session, paid };
}

describe('GET /api/admin/events', () => {
  it('lists a failed event with its error and attempts, filtered by status', async () => {
    const app = testApp();
    const { paid } = await failedEvent(app);
    const page = await bodyOf(adminApi(app).events.$get({ query: { status: 'failed', limit: '100' } }));
    expect(page.events.find((e) => e.id === paid.id)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'warehouse unreachable', type: 'checkout.session.completed' });
    expect(page.events.every((e) => e.status === 'failed')).toBe(true);
    expect(page.counts.failed).toBeGreaterThanOrEqual(1);
  });

  it('filters by type', async () => {
    const app = testApp();
    await app.send(await delivery(event('checkout.session.expired', checkoutSession({ status: 'expired', payment_status: 'unpaid' }))));
    const page = await bodyOf(adminApi(app).events.$get({ query: { type: 'checkout.session.expired' } }));
    expect(page.events.length).toBeGreaterThan(0);
    expect(new Set(page.events.map((e) => e.type))).toEqual(new Set(['checkout.session.expired']));
  });

  it('counts ignored events by type', async () => {
    const app = testApp();
    const before = await bodyOf(adminApi(app).events.$get({ query: { limit: '1' } }));
    const was = before.ignoredByType.find((t) => t.type === 'invoice.voided')?.count ?? 0;
    for (let i = 0; i < 3; i++) await app.send(await delivery(event('invoice.voided', { id: `in_${i}`, object: 'invoice' })));
    const after = await bodyOf(adminApi(app).events.$get({ query: { limit: '1' } }));
    expect(after.ignoredByType.find((t) => t.type === 'invoice.voided')?.count).toBe(was + 3);
  });

  it('pages by keyset: two pages of 2 hold four distinct events, newest first', async () => {
    const app = testApp();
    for (let i = 0; i < 4; i++) await app.send(await delivery(event('invoice.created', { id: `in_page_${i}`, object: 'invoice' })));
    const first = await bodyOf(adminApi(app).events.$get({ query: { limit: '2' } }));
    const second = await bodyOf(adminApi(app).events.$get({ query: { limit: '2', cursor: first.next! } }));
    const rows = [...first.events, ...second.events];
    expect(new Set(rows.map((e) => e.id)).size).toBe(4);
    const times = rows.map((e) => e.receivedAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('an event type that is not one → 400 naming the field', async () => {
    const app = testApp();
    expect(await refused(adminApi(app).events.$get({ query: { type: 'DROP TABLE' } }), 400)).toEqual({ error: 'type must be a Stripe event type (charge.refunded)' });
  });
});

describe('POST /api/admin/events/:id/retry', () => {
  it('Retry now runs a failed event through the webhook’s path: processed, order fulfilled, logged', async () => {
    const app = testApp();
    const { session, paid } = await failedEvent(app);
    const result = await bodyOf(adminApi(app, shopEnv()).events[':id'].retry.$post({ param: { id: paid.id }, json: {} }));
    expect(result.results).toEqual([{ id: paid.id, outcome: 'processed' }]);
    expect(await ledgerRow(paid.id)).toMatchObject({ status: 'processed', attempts: 2, last_error: null });
    expect(await orderRow(session.id)).toMatchObject({ status: 'fulfilled' });
    expect(app.deliveries.map((d) => d.order.id)).toEqual([session.id]);
  });

  it('a retried event that Stripe then redelivers is not handled twice', async () => {
    const app = testApp();
    const { paid } = await failedEvent(app);
    await adminApi(app, shopEnv()).events[':id'].retry.$post({ param: { id: paid.id }, json: {} });
    const fresh = testApp(); // another isolate: no memory of the event
    expect(await (await fresh.send(await delivery(paid))).json()).toEqual({ received: true, outcome: 'duplicate' });
    expect(fresh.deliveries).toHaveLength(0);
  });

  it('an event that is not failed → 409, nothing changed', async () => {
    const app = testApp();
    const paid = event('checkout.session.completed', checkoutSession());
    await app.send(await delivery(paid));
    const before = await snapshot();
    expect((await adminApi(app, shopEnv()).events[':id'].retry.$post({ param: { id: paid.id }, json: {} })).status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('retry all failed runs every failed event and says how many remain', async () => {
    const app = testApp();
    const one = await failedEvent(app);
    const two = await failedEvent(app);
    const result = await bodyOf(adminApi(app, shopEnv()).events['retry-failed'].$post({ json: {} }));
    expect(result.results).toEqual(expect.arrayContaining([{ id: one.paid.id, outcome: 'processed' }, { id: two.paid.id, outcome: 'processed' }]));
    expect(await orderRow(two.session.id)).toMatchObject({ status: 'fulfilled' });
    expect(result.remainingFailed).toBe(result.results.filter((r) => r.outcome === 'failed').length);
  });
});

describe('GET /api/admin/health', () => {
  it('says what is configured, never the secrets themselves', async () => {
    const app = testApp();
    const response = await adminApi(app).health.$get();
    const text = await response.clone().text();
    const health = await bodyOf(response);
    expect(health).toMatchObject({ mode: 'test', configured: { webhookSecrets: 1, stripeKey: true, syncToken: true, access: false, catalogCache: true } });
    for (const secret of [WEBHOOK_SECRET, SYNC_TOKEN, 'sk_test_worker_suite']) expect(text).not.toContain(secret);
    expect(Object.keys(health.mirror).sort()).toEqual(['customers', 'payment_links', 'prices', 'products', 'subscriptions']);
  });

  it('the last event and its age', async () => {
    const now = Date.now();
    const app = testApp({ now: () => now });
    await app.send(await delivery(event('invoice.finalized', { id: 'in_health', object: 'invoice' })));
    const later = testApp({ now: () => now + 90_000 });
    const health = await bodyOf(adminApi(later).health.$get());
    expect(health.lastEvent).toMatchObject({ type: 'invoice.finalized', ageSeconds: 90 });
    expect(health.warnings.some((w) => w.startsWith('No Stripe event arrived'))).toBe(false);
  });

  it('warns when no event arrived for 3 days while orders exist', async () => {
    const app = testApp();
    await app.send(await delivery(event('checkout.session.completed', checkoutSession())));
    const quiet = testApp({ now: () => Date.now() + 4 * 24 * 3_600_000 });
    const health = await bodyOf(adminApi(quiet).health.$get());
    expect(health.warnings).toContain("No Stripe event arrived for more than 3 days while orders exist: check the webhook endpoint and its secret in Stripe's dashboard.");
  });

  it('warns when no webhook secret is set', async () => {
    const app = testApp();
    const health = await bodyOf(adminApi(app, adminEnv({ STRIPE_WEBHOOK_SECRET: undefined })).health.$get());
    expect(health.configured.webhookSecrets).toBe(0);
    expect(health.warnings).toContain('STRIPE_WEBHOOK_SECRET is not set: every webhook is refused.');
  });

  it('warns when SUBSCRIPTION_PAST_DUE_GRACE_DAYS is not a whole number of days from 0 to 60, naming the default used', async () => {
    const app = testApp();
    const misconfigured = await bodyOf(adminApi(app, adminEnv({ SUBSCRIPTION_PAST_DUE_GRACE_DAYS: '7 days' })).health.$get());
    expect(misconfigured.warnings).toContain('SUBSCRIPTION_PAST_DUE_GRACE_DAYS is "7 days", not a whole number of days from 0 to 60: the default 7 is used');
    const fine = await bodyOf(adminApi(app, adminEnv({ SUBSCRIPTION_PAST_DUE_GRACE_DAYS: '14' })).health.$get());
    expect(fine.warnings.filter((warning) => warning.includes('SUBSCRIPTION_PAST_DUE_GRACE_DAYS'))).toEqual([]);
  });
});
