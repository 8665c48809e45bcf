// An event rendered at another Stripe API version than the worker's (STRIPE_API_VERSION) is
// refetched through the API, at the pinned version, before it is applied; without a way to
// refetch it, it is held for the seller and changes nothing.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { STRIPE_API_VERSION } from '../../../contract/stripe-events';
import { adminApi } from '../support/back-office';
import { bodyOf, ledgerRow, testApp, testEnv } from '../support/app';
import { stripe, stripeCallsTo, withStripe } from '../support/on-sale';
import { delivery, event } from '../support/stripe';

const OLDER_VERSION = '2020-08-27';
const productRow = (id: string) => env.DB.prepare('SELECT name, active FROM stripe_products WHERE id = ?').bind(id).first<{ name: string; active: number }>();

describe('an event rendered at another API version', () => {
  it('is applied with its object refetched at the pinned version: the mirror is unchanged by the older shape', async () => {
    const app = testApp();
    const product = await stripe.products.create({ name: 'As Stripe has it now' });
    const olderShape = { ...product, name: 'Older shape', active: false } as Stripe.Product;
    const older = event('product.updated', olderShape, { api_version: OLDER_VERSION });
    const response = await app.send(await delivery(older), withStripe());
    expect(await response.json()).toEqual({ received: true, outcome: 'processed' });
    expect(await productRow(product.id)).toEqual({ name: 'As Stripe has it now', active: 1 });
    expect((await ledgerRow(older.id))?.note).toContain(`rendered at API version ${OLDER_VERSION}`);
  });

  it('an event the local Stripe rendered at another version (POST /__fake/api-version), replayed as a delivery, is applied at the current object', async () => {
    const app = testApp();
    const product = await stripe.products.create({ name: 'Before' });
    const setVersion = (version: string | null) => fetch(`${env.FAKE_STRIPE_URL}/__fake/api-version`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ version }) });
    expect((await setVersion(OLDER_VERSION)).status).toBe(200);
    try {
      await stripe.products.update(product.id, { name: 'Renamed at the older version' });
    } finally {
      await setVersion(null);
    }
    await stripe.products.update(product.id, { name: 'Renamed again since' });
    const [, older] = (await stripe.events.list({ type: 'product.updated', limit: 2 })).data;
    expect(older?.api_version).toBe(OLDER_VERSION);
    await app.send(await delivery(older!), withStripe());
    expect(await productRow(product.id)).toEqual({ name: 'Renamed again since', active: 1 });
  });

  it('at the pinned version is applied as delivered, with no call to Stripe', async () => {
    const app = testApp();
    const product = await stripe.products.create({ name: 'Created' });
    const before = await stripeCallsTo(`/v1/products/${product.id}`);
    const current = event('product.updated', { ...product, name: 'Renamed in the event' }, { api_version: STRIPE_API_VERSION });
    await app.send(await delivery(current), withStripe());
    expect(await productRow(product.id)).toEqual({ name: 'Renamed in the event', active: 1 });
    expect(await stripeCallsTo(`/v1/products/${product.id}`)).toBe(before);
  });

  it('without a Stripe key is held for the seller: 200 "held", failed in the ledger with what to do, nothing mirrored', async () => {
    const app = testApp();
    const product = await stripe.products.create({ name: 'Never mirrored' });
    const older = event('product.updated', product, { api_version: OLDER_VERSION });
    const response = await app.send(await delivery(older), testEnv());
    expect(await response.json()).toEqual({ received: true, outcome: 'held' });
    expect(await productRow(product.id)).toBeNull();
    const ledger = await ledgerRow(older.id);
    expect(ledger?.status).toBe('failed');
    expect(ledger?.last_error).toMatch(/rendered at API version 2020-08-27.*STRIPE_SECRET_KEY/);
    const health = await bodyOf(adminApi(app).health.$get());
    expect(health.apiVersion.pinned).toBe(STRIPE_API_VERSION);
    expect(health.apiVersion.heldEvents).toBeGreaterThan(0);
    expect(health.warnings.join(' ')).toMatch(/another Stripe API version/);
  });

  it('the Stripe client asks for the pinned version on every call', async () => {
    const app = testApp();
    const product = await stripe.products.create({ name: 'Versioned' });
    await app.send(await delivery(event('product.updated', product, { api_version: OLDER_VERSION })), withStripe());
    const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as { requests: { path: string; stripeVersion: string | null }[] };
    const call = requests.filter((request) => request.path === `/v1/products/${product.id}`).at(-1);
    expect(call?.stripeVersion).toBe(STRIPE_API_VERSION);
  });
});
