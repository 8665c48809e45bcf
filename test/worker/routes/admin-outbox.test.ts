// POST /api/admin/outbox/sweep: the Cron Trigger's sweep on demand, for `npm start`
// (wrangler dev runs no Cron Trigger), so a side effect whose queue message died with a
// crashed runtime is still carried out.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Env } from '../../../worker/platform/env';
import { SWEEP_GRACE_MS } from '../../../worker/outbox/consumer';
import { outboxRow, snapshot, testApp, testEnv } from '../support/app';
import { checkoutSession, delivery, event } from '../support/stripe';

const SYNC_TOKEN = 'sync-token-for-tests';
const sweep = (token = SYNC_TOKEN) =>
  new Request('https://shop.example/api/admin/outbox/sweep', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: '{}',
  });

/** A paid session committed by a worker without a queue: the outbox row is written, its message never sent (as when the runtime dies right after the commit). */
async function committedNotQueued(app: ReturnType<typeof testApp>, environment: Env) {
  // No address, so no receipt row: the delivery is the one row left behind.
  const session = checkoutSession({ customer_email: null, customer_details: null });
  const ctx = createExecutionContext();
  const response = await app.app.fetch(await delivery(event('checkout.session.completed', session)), { ...environment, OUTBOX: undefined }, ctx);
  await waitOnExecutionContext(ctx);
  expect(response.status).toBe(200);
  expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'pending', attempts: 0 });
  return session;
}

describe('POST /api/admin/outbox/sweep', () => {
  it('carries out a delivery whose queue message was lost once it is overdue by the grace: 200 { swept: 1 }, delivered once, done', async () => {
    let clock = Date.now();
    const app = testApp({ now: () => clock });
    const environment = testEnv({ SYNC_TOKEN });
    const session = await committedNotQueued(app, environment);
    clock += SWEEP_GRACE_MS;

    const response = await app.send(sweep(), environment);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ swept: 1 });
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'done', attempts: 1 });
    expect(app.deliveries.map((request) => request.order.id)).toEqual([session.id]);
  });

  it('leaves a row committed moments ago to its own queue message: { swept: 0 }, still pending, nothing delivered', async () => {
    const clock = Date.now();
    const app = testApp({ now: () => clock + SWEEP_GRACE_MS - 1 });
    const environment = testEnv({ SYNC_TOKEN });
    const session = await committedNotQueued(testApp({ now: () => clock }), environment);

    const response = await app.send(sweep(), environment);
    expect(await response.json()).toEqual({ swept: 0 });
    expect(await outboxRow(session.id, 'delivered')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(app.deliveries).toEqual([]);
  });

  it('a wrong bearer token: 401, nothing carried out, nothing written', async () => {
    let clock = Date.now();
    const app = testApp({ now: () => clock });
    const environment = testEnv({ SYNC_TOKEN });
    await committedNotQueued(app, environment);
    clock += SWEEP_GRACE_MS;
    const before = await snapshot();

    const response = await app.send(sweep('guess'), environment);
    expect(response.status).toBe(401);
    expect(await snapshot()).toEqual(before);
    expect(app.deliveries).toEqual([]);
  });

  it('without a SYNC_TOKEN (and no Access) the route does not exist: 404, nothing written', async () => {
    const app = testApp({ now: () => Date.now() + 10 * SWEEP_GRACE_MS });
    const before = await snapshot();
    const response = await app.send(sweep(), testEnv());
    expect(response.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });
});
