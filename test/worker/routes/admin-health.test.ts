// GET /api/admin/health's wiring checks against the suite's local Stripe and the real local
// R2: the lines `npm run doctor` prints, each red one with its fix, never a secret's value.
import { env } from 'cloudflare:workers';
import { parseResponse } from 'hono/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { HealthCheck } from '../../../contract/api';
import { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } from '../../../contract/stripe-events';
import { DOWNLOAD_SECRET, testApp } from '../support/app';
import { adminEnv, SYNC_TOKEN } from '../support/back-office';
import { fakeStripe, WEBHOOK_SECRET } from '../support/stripe';

/** The shop as reached on this machine: the local Stripe delivers only here. */
const SHOP = 'http://127.0.0.1:9';
const bucket = () => env.FILES!;
const FILES = ['field-notes/field-notes-pattern-pack.pdf', 'trail-map-print/trail-map-print.png'];

async function checks(overrides = {}): Promise<Map<string, HealthCheck>> {
  const response = await testApp().client(adminEnv(overrides), { origin: SHOP, headers: { authorization: `Bearer ${SYNC_TOKEN}` } }).api.admin.health.$get();
  expect(response.status).toBe(200);
  const text = await response.clone().text();
  for (const secret of [WEBHOOK_SECRET, SYNC_TOKEN, DOWNLOAD_SECRET, 'sk_test_worker_suite']) expect(text).not.toContain(secret);
  const health = await parseResponse(response);
  return new Map(health.checks.map((check) => [check.id, check]));
}

afterEach(async () => {
  await Promise.all(FILES.map((key) => bucket().delete(key)));
});

describe('GET /api/admin/health: the wiring checks', () => {
  it('lists every check: webhook endpoint, secrets, bindings, each catalog file, each catalog product, the door, deliveries', async () => {
    const ids = [...(await checks()).keys()];
    expect(ids).toEqual(
      expect.arrayContaining([
        'webhook:exists',
        'secret:STRIPE_WEBHOOK_SECRET',
        'secret:STRIPE_SECRET_KEY',
        'secret:DOWNLOAD_SIGNING_SECRET',
        'binding:DB',
        'binding:CATALOG',
        'binding:FILES',
        'binding:OUTBOX',
        ...FILES.map((key) => `file:${key}`),
        'product:field-notes',
        'product:trail-map-print',
        'product:enamel-mug',
        'product:field-notes-club',
        'admin:door',
        'webhook:deliveries',
        'outbox:dead',
      ]),
    );
  });

  it('finds the endpoint for the URL the request came in on: green when enabled with every type and the pinned version, red once disabled', async () => {
    const stripe = fakeStripe(env.FAKE_STRIPE_URL);
    const endpoint = await stripe.webhookEndpoints.create({ url: `${SHOP}/webhooks/stripe`, enabled_events: [...HANDLED_EVENT_TYPES], api_version: STRIPE_API_VERSION });
    try {
      const green = await checks();
      for (const id of ['webhook:exists', 'webhook:enabled', 'webhook:events', 'webhook:api-version']) expect(green.get(id), id).toMatchObject({ ok: true });
      await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
      expect((await checks()).get('webhook:enabled')).toMatchObject({ ok: false, detail: `${endpoint.id} is disabled: Stripe sends it nothing`, fix: expect.stringContaining('npm run launch') });
    } finally {
      await stripe.webhookEndpoints.del(endpoint.id);
    }
  });

  it('each catalog file: green when R2 holds it, red naming the upload when it does not', async () => {
    await bucket().put(FILES[0]!, 'pdf bytes');
    const found = await checks();
    expect(found.get(`file:${FILES[0]}`)).toMatchObject({ ok: true, detail: '9 bytes' });
    expect(found.get(`file:${FILES[1]}`)).toMatchObject({ ok: false, fix: expect.stringContaining('npm run launch -- --from files') });
  });

  it('an unset DOWNLOAD_SIGNING_SECRET is red, named by the secret, its value never shown', async () => {
    expect((await checks({ DOWNLOAD_SIGNING_SECRET: undefined })).get('secret:DOWNLOAD_SIGNING_SECRET')).toMatchObject({ ok: false, fix: expect.stringContaining('DOWNLOAD_SIGNING_SECRET') });
    expect((await checks()).get('secret:DOWNLOAD_SIGNING_SECRET')?.ok).toBe(true);
  });

  it('without a Stripe key the Stripe lines say they were not checked, and how the doctor can', async () => {
    const found = await checks({ STRIPE_SECRET_KEY: undefined });
    expect(found.get('stripe:webhook-endpoints')).toMatchObject({ ok: false, detail: 'not checked: the worker has no STRIPE_SECRET_KEY', fix: expect.stringContaining('npm run doctor with STRIPE_SECRET_KEY') });
    expect(found.get('stripe:catalog')?.ok).toBe(false);
  });

  it('a missing KV binding is red', async () => {
    expect((await checks({ CATALOG: undefined })).get('binding:CATALOG')).toMatchObject({ ok: false, detail: 'not bound' });
  });
});
