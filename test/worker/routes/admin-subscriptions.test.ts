// The back office's subscriptions: every order that started one, newest first by keyset, with the
// subscription as Stripe last reported it (status, current period, cancel at period end).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { adminApi, adminEnv, seedOrder, uniqueRef } from '../support/back-office';
import { bodyOf, refused, testApp } from '../support/app';

/** An order that started `subscription`, and (unless `mirrored` is null) the subscription as the mirror holds it. */
async function subscriptionOrder(createdAt: number, mirrored: { status: string; cancelAtPeriodEnd: boolean; periodStart: number; periodEnd: number } | null) {
  const subscription = uniqueRef('sub');
  const id = await seedOrder({ createdAt, email: `${uniqueRef('ada')}@example.com` });
  await env.DB.prepare(`UPDATE orders SET mode = 'subscription', subscription = ? WHERE id = ?`).bind(subscription, id).run();
  if (mirrored) {
    const raw = JSON.stringify({ id: subscription, items: { data: [{ current_period_start: mirrored.periodStart, current_period_end: mirrored.periodEnd }] } });
    await env.DB.prepare(
      `INSERT INTO stripe_subscriptions (id, customer, status, cancel_at_period_end, raw, synced_created, synced_event, updated_at) VALUES (?, 'cus_1', ?, ?, ?, 1, 'evt_1', 1)`,
    )
      .bind(subscription, mirrored.status, mirrored.cancelAtPeriodEnd ? 1 : 0, raw)
      .run();
  }
  return { id, subscription };
}

describe('GET /api/admin/subscriptions', () => {
  it('lists the orders that started a subscription, newest first by keyset, with status, current period, cancel at period end and the Stripe customer', async () => {
    const app = testApp();
    const base = 4_300_000_000_000 + Math.floor(Math.random() * 1e9);
    const period = { periodStart: 1_780_000_000, periodEnd: 1_782_592_000 };
    const active = await subscriptionOrder(base + 30, { status: 'active', cancelAtPeriodEnd: true, ...period });
    await seedOrder({ createdAt: base + 20 }); // a one-off order: not a subscription
    const canceled = await subscriptionOrder(base + 10, { status: 'canceled', cancelAtPeriodEnd: false, ...period });
    const unreported = await subscriptionOrder(base, null);
    const start = `${base + 100}~z`;
    const first = await bodyOf(adminApi(app).subscriptions.$get({ query: { limit: '2', cursor: start } }));
    expect(first.subscriptions.map((s) => s.id)).toEqual([active.subscription, canceled.subscription]);
    expect(first.subscriptions[0]).toMatchObject({
      orderId: active.id,
      status: 'active',
      cancelAtPeriodEnd: true,
      currentPeriodStart: new Date(period.periodStart * 1000).toISOString(),
      currentPeriodEnd: new Date(period.periodEnd * 1000).toISOString(),
      customer: 'cus_1',
    });
    expect(first.subscriptions[0]!.customerEmail).toMatch(/@example\.com$/);
    expect(first.next).not.toBeNull();
    const second = await bodyOf(adminApi(app).subscriptions.$get({ query: { limit: '2', cursor: first.next! } }));
    expect(second.subscriptions[0]).toMatchObject({ id: unreported.subscription, orderId: unreported.id, status: null, cancelAtPeriodEnd: null, currentPeriodEnd: null, customer: null });
  });

  it('a forged cursor → 400 naming the field', async () => {
    const body = await refused(adminApi(testApp()).subscriptions.$get({ query: { cursor: '1 OR 1' } }), 400);
    expect(body.error).toMatch(/^cursor must be a cursor/);
  });

  it('needs the back office bearer', async () => {
    const response = await adminApi(testApp(), adminEnv(), { authorization: 'Bearer wrong', origin: 'https://shop.example' }).subscriptions.$get({ query: {} });
    expect(response.status).toBe(401);
  });
});
