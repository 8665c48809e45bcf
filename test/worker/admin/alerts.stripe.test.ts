// The seller's alerts: once per incident, with what to do; never for a shop that is quiet
// because nobody is buying.
import { env } from 'cloudflare:workers';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ReconcileResponse } from '../../../contract/api';
import { watchAlerts } from '../../../worker/admin/alerts';
import { defaultDependencies } from '../../../worker/app';
import { recordFailed } from '../../../worker/store/ledger';
import { stripeClient } from '../../../worker/stripe/client';
import { bodyOf, testApp } from '../support/app';
import { adminApi, adminEnv } from '../support/back-office';
import { stripe } from '../support/on-sale';
import { event } from '../support/stripe';

const DAY_MS = 24 * 60 * 60 * 1000;
const contextAt = (now: number) => ({ ...defaultDependencies({ now: () => now }), db: env.DB, env: adminEnv({ WEBHOOK_QUIET_HOURS: '6' }), waitUntil: () => {} });
const alertLines = (spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('"msg":"ALERT"'));

describe('alerts', () => {
  beforeAll(async () => {
    await fetch(`${env.FAKE_STRIPE_URL}/__fake/reset`, { method: 'POST', headers: { 'content-type': 'application/json' } });
  });
  afterEach(() => vi.restoreAllMocks());

  it('three failed checkout events open one alert, logged once; a second check logs nothing; once they are retried and a new run of failures comes, it opens anew', async () => {
    const errors = vi.spyOn(console, 'error');
    const now = Date.now();
    const failures = [1, 2, 3].map(() => event('checkout.session.completed', { id: 'cs_test_alert', object: 'checkout.session' }));
    for (const failure of failures) await recordFailed(env.DB, failure as never, '{}', now, 'boom');
    expect((await watchAlerts(contextAt(now), null)).map((alert) => alert.incident)).toEqual(['events_failing:checkout']);
    expect(await watchAlerts(contextAt(now + 60_000), null)).toEqual([]);
    expect(alertLines(errors)).toHaveLength(1);
    expect(alertLines(errors)[0]).toMatch(/Retry failed/);

    const health = await bodyOf(adminApi(testApp()).health.$get());
    expect(health.alerts.map((alert) => alert.incident)).toContain('events_failing:checkout');

    await env.DB.prepare("UPDATE stripe_events SET status = 'processed' WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(failures.map((f) => f.id))).run();
    expect(await watchAlerts(contextAt(now + 120_000), null)).toEqual([]);
    await env.DB.prepare("UPDATE stripe_events SET status = 'failed' WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(failures.map((f) => f.id))).run();
    expect((await watchAlerts(contextAt(now + 180_000), null)).map((alert) => alert.incident)).toEqual(['events_failing:checkout']);
    await env.DB.prepare("UPDATE stripe_events SET status = 'processed' WHERE id IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(failures.map((f) => f.id))).run();
  });

  it('silence while nobody buys opens no alert; silence while a Checkout Session was created opens one, once', async () => {
    const client = (await stripeClient(adminEnv()))!;
    const later = Date.now() + 2 * DAY_MS;
    expect((await watchAlerts(contextAt(later), client)).filter((alert) => alert.kind === 'events_quiet')).toEqual([]);

    const product = await stripe.products.create({ name: 'Quiet test' });
    const price = await stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 900 });
    await stripe.checkout.sessions.create({ mode: 'payment', line_items: [{ price: price.id, quantity: 1 }], success_url: 'https://shop.example/success' });
    const opened = await watchAlerts(contextAt(later + 60_000), client);
    expect(opened.map((alert) => alert.incident)).toEqual(['events_quiet']);
    expect(opened[0]?.whatToDo).toMatch(/webhook endpoint/);
    expect(await watchAlerts(contextAt(later + 120_000), client)).toEqual([]);
  });

  it('a disabled webhook endpoint opens one alert after a reconciliation, logged once; enabled again, the next check resolves it and the health page drops it', async () => {
    const client = (await stripeClient(adminEnv()))!;
    const errors = vi.spyOn(console, 'error');
    const finished = (at: number): ReconcileResponse => ({ run: { id: `run_${at}`, trigger: 'cron', startedAt: new Date(at).toISOString(), finishedAt: new Date(at).toISOString(), pages: 1, compared: 0 }, pagesThisCall: 1, drift: [] });
    const disabledAlerts = <A extends { kind: string }>(alerts: A[]) => alerts.filter((alert) => alert.kind === 'endpoint_disabled');
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/webhooks/stripe', enabled_events: ['*'] });
    try {
      await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
      const now = Date.now();
      const opened = disabledAlerts(await watchAlerts(contextAt(now), client, finished(now)));
      expect(opened.map((alert) => alert.incident)).toEqual([`endpoint_disabled:${endpoint.id}`]);
      expect(opened[0]?.whatToDo).toMatch(/Enable it again/);
      expect(disabledAlerts(await watchAlerts(contextAt(now + 60_000), client, finished(now + 60_000)))).toEqual([]);
      expect(alertLines(errors).filter((line) => line.includes('endpoint_disabled'))).toHaveLength(1);
      const health = async () => (await bodyOf(adminApi(testApp()).health.$get())).alerts.map((alert) => alert.incident);
      expect(await health()).toContain(`endpoint_disabled:${endpoint.id}`);

      await stripe.webhookEndpoints.update(endpoint.id, { disabled: false });
      expect(disabledAlerts(await watchAlerts(contextAt(now + 120_000), client, finished(now + 120_000)))).toEqual([]);
      expect(await health()).not.toContain(`endpoint_disabled:${endpoint.id}`);
    } finally {
      await stripe.webhookEndpoints.del(endpoint.id);
    }
  });
});
