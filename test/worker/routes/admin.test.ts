import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import type { ReplayResponse, SyncResponse } from '../../../contract/api';
import { bodyOf, testApp, testEnv } from '../support/app';
import { adminApi } from '../support/back-office';
import { fakeStripe } from '../support/stripe';

const stripe = fakeStripe(env.FAKE_STRIPE_URL);
const withStripe = (overrides = {}) =>
  testEnv({ STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL, SYNC_TOKEN: 'sync-token-for-tests', CATALOG: env.CATALOG, ...overrides });
const call = (path: string, body: object, token = 'sync-token-for-tests') =>
  new Request(`https://shop.example/api/admin/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Marks the fake Stripe's request log (a product with a unique name), for `stripeCallsAfter`. */
async function markStripeLog(): Promise<string> {
  const marker = `log marker ${crypto.randomUUID()}`;
  await stripe.products.create({ name: marker });
  return marker;
}

/** The /v1 calls the fake Stripe received after the mark. */
async function stripeCallsAfter(marker: string) {
  const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as { requests: { path: string; params: Record<string, unknown> }[] };
  const mark = requests.findLastIndex((r) => r.path === '/v1/products' && r.params.name === marker);
  if (mark === -1) throw new Error('the log marker is gone from the fake Stripe request log');
  return requests.slice(mark + 1);
}

describe('/api/admin', () => {
  it('does not exist without a SYNC_TOKEN', async () => {
    const { send } = testApp();
    expect((await send(call('sync', { resource: 'products' }), withStripe({ SYNC_TOKEN: undefined }))).status).toBe(404);
  });

  it('refuses a wrong bearer token', async () => {
    const { send } = testApp();
    const response = await send(call('sync', { resource: 'products' }, 'guess'), withStripe());
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'missing or wrong bearer token (SYNC_TOKEN)' });
  });

  it.each([
    ['sync', { resource: 'products' }],
    ['replay', {}],
  ])('POST /api/admin/%s as text/plain → 415 with the reason, Stripe not called', async (path, body) => {
    const { send } = testApp();
    const marker = await markStripeLog();
    const response = await send(
      new Request(`https://shop.example/api/admin/${path}`, {
        method: 'POST',
        headers: { authorization: 'Bearer sync-token-for-tests', 'content-type': 'text/plain' },
        body: JSON.stringify(body),
      }),
      withStripe(),
    );
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ error: 'Content-Type must be application/json, not text/plain' });
    expect(await stripeCallsAfter(marker)).toEqual([]);
  });

  it('checks the bearer token before the Content-Type: a stranger learns nothing more', async () => {
    const { send } = testApp();
    const request = new Request('https://shop.example/api/admin/sync', { method: 'POST', headers: { authorization: 'Bearer guess', 'content-type': 'text/plain' }, body: '{}' });
    expect((await send(request, withStripe())).status).toBe(401);
  });

  it('syncs products page by page into the mirror', async () => {
    const app = testApp();
    const made = [];
    for (const name of ['Sync A', 'Sync B', 'Sync C']) made.push(await stripe.products.create({ name, metadata: { catalog_id: `sync-${name}` } }));
    let next: string | null = null;
    let synced = 0;
    let pages = 0;
    do {
      const page: SyncResponse = await bodyOf(adminApi(app, withStripe()).sync.$post({ json: { resource: 'products', ...(next ? { startingAfter: next } : {}) } }));
      synced += page.synced;
      next = page.hasMore ? page.next : null;
      pages++;
    } while (next && pages < 50);
    expect(synced).toBeGreaterThanOrEqual(3);
    for (const product of made) {
      const row = await env.DB.prepare('SELECT name, active, deleted FROM stripe_products WHERE id = ?').bind(product.id).first();
      expect(row).toEqual({ name: product.name, active: 1, deleted: 0 });
    }
  });

  it('passes Stripe’s rate limit on as 429 with Retry-After', async () => {
    const { send } = testApp();
    await fetch(`${env.FAKE_STRIPE_URL}/__fake/429`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 1 }) });
    const response = await send(call('sync', { resource: 'prices' }), withStripe());
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('rejects an unknown resource', async () => {
    const { send } = testApp();
    const response = await send(call('sync', { resource: 'charges' }), withStripe());
    expect(response.status).toBe(400);
  });

  it('replays missed events through the webhook path; a second replay skips them all', async () => {
    const app = testApp();
    const product = await stripe.products.create({ name: 'Replayed product' });
    const replayAll = async () => {
      let next: string | null = null;
      let replayed = 0;
      let skipped = 0;
      let pages = 0;
      do {
        const page: ReplayResponse = await bodyOf(adminApi(app, withStripe()).replay.$post({ json: next ? { startingAfter: next } : {} }));
        replayed += page.replayed;
        skipped += page.skipped;
        next = page.hasMore ? page.next : null;
        pages++;
      } while (next && pages < 50);
      return { replayed, skipped };
    };
    const first = await replayAll();
    expect(first.replayed).toBeGreaterThan(0);
    expect(await env.DB.prepare('SELECT name FROM stripe_products WHERE id = ?').bind(product.id).first()).toEqual({ name: 'Replayed product' });
    const second = await replayAll();
    expect(second.replayed).toBe(0);
    expect(second.skipped).toBe(first.replayed + first.skipped);
  });
});
