// The local Stripe's webhook endpoints, driven by the `stripe` package as `npm run launch` and
// `npm start` drive them: the secret is shown once, each enabled endpoint gets the events it
// subscribes to signed with its own secret, a disabled or deleted one gets nothing.
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startLocalStripe, type LocalStripe } from '../../../tools/local-stripe/index';
import { localStripeClient } from '../support/local-stripe';

let local: LocalStripe;
let stripe: Stripe;

function client(base: string): Stripe {
  return localStripeClient(base, 'sk_test_endpoints', { maxNetworkRetries: 0 });
}

/** A receiver that keeps each delivery's event and whether it verifies with `secret`. */
async function receiver() {
  const received: { type: string; signature: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ type: (JSON.parse(body) as { type: string }).type, signature: String(req.headers['stripe-signature']), body });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/stripe`;
  const verifiesWith = (secret: string) => received.every(({ body, signature }) => Boolean(Stripe.webhooks.constructEvent(body, signature, secret)));
  return { url, received, verifiesWith, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

beforeAll(async () => {
  local = await startLocalStripe({ log: false, webhookRetryDelaysMs: [] });
  stripe = client(local.url);
});
afterAll(() => local.close());
beforeEach(() => local.reset());

describe('webhook endpoints', () => {
  it('create answers the endpoint with its whsec_ secret once; retrieve and list never show it', async () => {
    const created = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/webhooks/stripe', enabled_events: ['product.created', 'price.updated'], api_version: '2026-10-28.endive' });
    expect(created).toMatchObject({ object: 'webhook_endpoint', status: 'enabled', enabled_events: ['product.created', 'price.updated'], api_version: '2026-10-28.endive', livemode: false });
    expect(created.id).toMatch(/^we_1[A-Za-z0-9]{23}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9]{32}$/);
    const retrieved = await stripe.webhookEndpoints.retrieve(created.id);
    expect(retrieved.secret).toBeUndefined();
    expect(retrieved).toMatchObject({ id: created.id, url: 'http://127.0.0.1:9/webhooks/stripe' });
    const listed = await stripe.webhookEndpoints.list();
    expect(listed.data.map((endpoint) => [endpoint.id, endpoint.secret])).toEqual([[created.id, undefined]]);
  });

  it('an endpoint made without api_version answers api_version null, as Stripe does', async () => {
    const created = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] });
    expect(created.api_version).toBeNull();
  });

  it('delivers each event to every enabled endpoint subscribed to its type (or to *), signed with that endpoint’s secret', async () => {
    const shop = await receiver();
    const everything = await receiver();
    try {
      const one = await stripe.webhookEndpoints.create({ url: shop.url, enabled_events: ['product.created'] });
      const all = await stripe.webhookEndpoints.create({ url: everything.url, enabled_events: ['*'] });
      const product = await stripe.products.create({ name: 'Mug' });
      await stripe.products.update(product.id, { name: 'Camp mug' });
      await local.flushWebhooks();
      expect(shop.received.map((d) => d.type)).toEqual(['product.created']);
      expect(everything.received.map((d) => d.type)).toEqual(['product.created', 'product.updated']);
      expect(shop.verifiesWith(one.secret!)).toBe(true);
      expect(everything.verifiesWith(all.secret!)).toBe(true);
      expect(() => Stripe.webhooks.constructEvent(shop.received[0]!.body, shop.received[0]!.signature, all.secret!)).toThrow();
      expect(local.deliveries.map((d) => [d.type, d.endpoint])).toEqual([
        ['product.created', one.id],
        ['product.created', all.id],
        ['product.updated', all.id],
      ]);
      expect(local.events().map((event) => event.pending_webhooks)).toEqual([2, 1]);
    } finally {
      await shop.close();
      await everything.close();
    }
  });

  it('a disabled endpoint gets nothing until enabled again; a deleted one gets nothing', async () => {
    const shop = await receiver();
    try {
      const endpoint = await stripe.webhookEndpoints.create({ url: shop.url, enabled_events: ['product.created'] });
      expect((await stripe.webhookEndpoints.update(endpoint.id, { disabled: true })).status).toBe('disabled');
      await stripe.products.create({ name: 'While disabled' });
      await local.flushWebhooks();
      expect(shop.received).toEqual([]);
      expect((await stripe.webhookEndpoints.update(endpoint.id, { disabled: false })).status).toBe('enabled');
      await stripe.products.create({ name: 'Enabled again' });
      await local.flushWebhooks();
      expect(shop.received).toHaveLength(1);
      expect(await stripe.webhookEndpoints.del(endpoint.id)).toEqual({ id: endpoint.id, object: 'webhook_endpoint', deleted: true });
      await stripe.products.create({ name: 'After delete' });
      await local.flushWebhooks();
      expect(shop.received).toHaveLength(1);
      await expect(stripe.webhookEndpoints.retrieve(endpoint.id)).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    } finally {
      await shop.close();
    }
  });

  it('update replaces enabled_events and url', async () => {
    const endpoint = await stripe.webhookEndpoints.create({ url: 'http://127.0.0.1:9/a', enabled_events: ['product.created'] });
    const updated = await stripe.webhookEndpoints.update(endpoint.id, { url: 'http://localhost:9/b', enabled_events: ['price.created', 'price.updated'] });
    expect(updated).toMatchObject({ url: 'http://localhost:9/b', enabled_events: ['price.created', 'price.updated'] });
  });

  it.each([
    ['a URL off this machine', { url: 'https://shop.example/webhooks/stripe', enabled_events: ['*'] }, 'url', /127\.0\.0\.1, ::1 or localhost/],
    ['no enabled_events', { url: 'http://127.0.0.1:9/hook' }, 'enabled_events', /Missing required param/],
    ['an event type that is not one', { url: 'http://127.0.0.1:9/hook', enabled_events: ['product created'] }, 'enabled_events[0]', /not an event type/],
    ['an api_version that is not one', { url: 'http://127.0.0.1:9/hook', enabled_events: ['*'], api_version: 'latest' }, 'api_version', /Invalid api_version/],
  ])('refuses %s with a 400 naming the parameter, and makes nothing', async (_name, params, param, message) => {
    await expect(stripe.webhookEndpoints.create(params as Stripe.WebhookEndpointCreateParams)).rejects.toMatchObject({ statusCode: 400, param, message: expect.stringMatching(message) });
    expect(local.all('webhook_endpoint')).toEqual([]);
  });

  it('keeps endpoints and their secrets across a restart from its state file', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'local-stripe-endpoints-'));
    const statePath = path.join(dir, 'state.json');
    const shop = await receiver();
    try {
      const first = await startLocalStripe({ log: false, statePath });
      const endpoint = await client(first.url).webhookEndpoints.create({ url: shop.url, enabled_events: ['product.created'] });
      await first.close();
      const second = await startLocalStripe({ log: false, statePath });
      try {
        await client(second.url).products.create({ name: 'After restart' });
        await second.flushWebhooks();
        expect(shop.received.map((d) => d.type)).toEqual(['product.created']);
        expect(shop.verifiesWith(endpoint.secret!)).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      await shop.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
