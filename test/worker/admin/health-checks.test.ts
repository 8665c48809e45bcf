// The wiring checks of the Health page and `npm run doctor`, as plain functions: each red line
// says what is wrong and names its fix.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import type { Product } from '../../../catalog';
import { HANDLED_EVENT_TYPES, STRIPE_API_VERSION } from '../../../contract/stripe-events';
import type { HealthCheck } from '../../../contract/api';
import { catalogChecks, deliveryChecks, doorCheck, fileChecks, secretChecks, webhookEndpointChecks } from '../../../worker/admin/health-checks';
import { fixture } from '../support/stripe';

const URL_ = 'https://shop.example/webhooks/stripe';

const endpoint = (overrides: Partial<Stripe.WebhookEndpoint> = {}): Stripe.WebhookEndpoint => ({
  ...fixture<Stripe.WebhookEndpoint>('webhook_endpoint'),
  id: 'we_shop',
  url: URL_,
  status: 'enabled',
  enabled_events: [...HANDLED_EVENT_TYPES],
  api_version: STRIPE_API_VERSION,
  ...overrides,
});

const byId = (checks: HealthCheck[], id: string) => checks.find((check) => check.id === id);

describe('webhookEndpointChecks', () => {
  it('one enabled endpoint for the URL, every handled type, the pinned version: four green lines', () => {
    const checks = webhookEndpointChecks([endpoint()], URL_);
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['webhook:exists', true],
      ['webhook:enabled', true],
      ['webhook:events', true],
      ['webhook:api-version', true],
    ]);
  });

  it('no endpoint for this URL (one for another) → red, naming the other URL and npm run launch', () => {
    const [check, ...rest] = webhookEndpointChecks([endpoint({ url: 'https://old.example/webhooks/stripe' })], URL_);
    expect(rest).toEqual([]);
    expect(check).toMatchObject({ id: 'webhook:exists', ok: false, fix: expect.stringContaining('npm run launch') });
    expect(check!.detail).toContain('https://old.example/webhooks/stripe');
  });

  it('a disabled endpoint → red webhook:enabled with the fix', () => {
    expect(byId(webhookEndpointChecks([endpoint({ status: 'disabled' })], URL_), 'webhook:enabled')).toMatchObject({ ok: false, detail: 'we_shop is disabled: Stripe sends it nothing', fix: expect.stringContaining('enable it') });
  });

  it('a handled type missing → red, naming it; * covers every type', () => {
    const missing = byId(webhookEndpointChecks([endpoint({ enabled_events: HANDLED_EVENT_TYPES.filter((t) => t !== 'charge.refunded') })], URL_), 'webhook:events');
    expect(missing).toMatchObject({ ok: false, detail: 'missing charge.refunded' });
    expect(byId(webhookEndpointChecks([endpoint({ enabled_events: ['*'] })], URL_), 'webhook:events')?.ok).toBe(true);
  });

  it('another API version, or none (the account default) → red: Stripe cannot change it, launch replaces the endpoint', () => {
    for (const api_version of ['2024-06-20', null]) {
      expect(byId(webhookEndpointChecks([endpoint({ api_version })], URL_), 'webhook:api-version')).toMatchObject({ ok: false, fix: expect.stringContaining('replaces the endpoint') });
    }
  });

  it('two endpoints for the same URL → red: every event would arrive twice', () => {
    expect(byId(webhookEndpointChecks([endpoint(), endpoint({ id: 'we_second' })], URL_), 'webhook:exists')).toMatchObject({ ok: false, detail: expect.stringContaining('2 endpoints') });
  });
});

const entry = (overrides: Partial<Product> = {}): Product => ({
  id: 'mug',
  name: 'Mug',
  description: '',
  image: '/m.svg',
  imageAlt: '',
  price: { amount: 1800, currency: 'usd' },
  digital: false,
  paymentLinks: { test: { id: 'plink_mug', url: 'https://buy.stripe.com/x' }, live: { id: null, url: null } },
  ...overrides,
});

const price = (overrides: Partial<Stripe.Price> = {}): Stripe.Price => ({ ...fixture<Stripe.Price>('price'), id: 'price_mug', active: true, unit_amount: 1800, currency: 'usd', recurring: null, ...overrides });
const product = (overrides: Partial<Stripe.Product> = {}): Stripe.Product => ({ ...fixture<Stripe.Product>('product'), id: 'prod_mug', active: true, metadata: { catalog_id: 'mug' }, default_price: price(), ...overrides });
const link = (overrides: Partial<Stripe.PaymentLink> = {}, sold: Stripe.Price = price()): Stripe.PaymentLink => ({
  ...fixture<Stripe.PaymentLink>('payment_link'),
  id: 'plink_mug',
  active: true,
  line_items: { object: 'list', data: [{ ...fixture<Stripe.LineItem>('item'), price: sold, quantity: 1 }], has_more: false, url: '' },
  ...overrides,
});

describe('catalogChecks', () => {
  it('a product with its catalog_id, active, priced, sold by its active Payment Link → green, saying so', () => {
    expect(catalogChecks([entry()], 'test', { products: [product()], links: [link()] })).toEqual([
      { id: 'product:mug', ok: true, title: 'mug in Stripe (test mode)', detail: 'prod_mug, 1800 usd, Payment Link plink_mug', fix: null },
    ]);
  });

  it('the seller’s own price in Stripe is not red: the shop shows it, and the line says the catalog differs', () => {
    const repriced = price({ id: 'price_new', unit_amount: 2000 });
    const [check] = catalogChecks([entry()], 'test', { products: [product({ default_price: repriced })], links: [link({}, repriced)] });
    expect(check).toMatchObject({ ok: true, detail: expect.stringContaining('catalog.json says 1800 usd') });
  });

  it.each([
    ['no Stripe product has the catalog_id', { products: [product({ metadata: {} })], links: [link()] }, /no Stripe product has metadata.catalog_id = mug/, /npm run launch/],
    ['the product is archived', { products: [product({ active: false })], links: [link()] }, /archived in Stripe/, /restore it/],
    ['the Payment Link is gone', { products: [product()], links: [] }, /Stripe has no Payment Link plink_mug/, /npm run launch makes one/],
    ['the Payment Link is deactivated', { products: [product()], links: [link({ active: false })] }, /deactivated/, /npm run launch makes a new one/],
    ['the Payment Link sells an old price', { products: [product({ default_price: price({ id: 'price_new', unit_amount: 2000 }) })], links: [link()] }, /sells 1800 usd, not the product’s price 2000 usd/, /current price/],
  ])('%s → red, with the fix', (_name, stripe, detail, fix) => {
    const [check] = catalogChecks([entry()], 'test', stripe);
    expect(check!.ok).toBe(false);
    expect(check!.detail).toMatch(detail);
    expect(check!.fix).toMatch(fix);
  });

  it('a catalog without a Payment Link for this mode → red: launch writes one', () => {
    const [check] = catalogChecks([entry()], 'live', { products: [product()], links: [link()] });
    expect(check).toMatchObject({ ok: false, detail: 'catalog.json has no live Payment Link for it' });
  });

  it('a catalog product without a Payment Link is sold by the worker’s checkout when the worker has a key, else red', () => {
    const unlisted = entry({ paymentLinks: { test: { id: null, url: null }, live: { id: null, url: null } } });
    expect(catalogChecks([unlisted], 'test', { products: [product()], links: [] }, true)[0]).toMatchObject({ ok: true, detail: expect.stringContaining('sold by the worker’s checkout') });
    expect(catalogChecks([unlisted], 'test', { products: [product()], links: [] }, false)[0]).toMatchObject({ ok: false, detail: 'catalog.json has no test Payment Link for it' });
  });

  it('the catalog’s stripe.productId without the catalog_id → red: the cart cannot know it', () => {
    const [check] = catalogChecks([entry({ stripe: { productId: 'prod_mug', priceId: 'price_mug' } })], 'test', { products: [product({ metadata: {} })], links: [link()] });
    expect(check!.detail).toBe('prod_mug has no metadata.catalog_id = mug: the cart and the live catalog do not know it');
  });
});

describe('secrets, the door, files, deliveries', () => {
  it('DOWNLOAD_SIGNING_SECRET is checked only when a product delivers files, and must be 32+ characters', () => {
    const base = { webhookSecrets: 1, stripeKey: true, downloadSecretLength: 0 };
    expect(byId(secretChecks({ ...base, deliversFiles: false }), 'secret:DOWNLOAD_SIGNING_SECRET')).toBeUndefined();
    expect(byId(secretChecks({ ...base, deliversFiles: true }), 'secret:DOWNLOAD_SIGNING_SECRET')).toMatchObject({ ok: false, detail: 'not set: every download answers 503', fix: expect.stringContaining('wrangler secret put DOWNLOAD_SIGNING_SECRET') });
    expect(byId(secretChecks({ ...base, downloadSecretLength: 31, deliversFiles: true }), 'secret:DOWNLOAD_SIGNING_SECRET')?.ok).toBe(false);
    expect(byId(secretChecks({ ...base, downloadSecretLength: 32, deliversFiles: true }), 'secret:DOWNLOAD_SIGNING_SECRET')?.ok).toBe(true);
  });

  it('no webhook secret → red: every webhook refused', () => {
    expect(byId(secretChecks({ webhookSecrets: 0, stripeKey: true, downloadSecretLength: 40, deliversFiles: true }), 'secret:STRIPE_WEBHOOK_SECRET')?.ok).toBe(false);
  });

  it('the door: Access, or SYNC_TOKEN, is green; half-configured Access or neither is red', () => {
    expect(doorCheck({ access: true, team: 'https://t.cloudflareaccess.com' }).ok).toBe(true);
    expect(doorCheck({ access: false, syncToken: true }).ok).toBe(true);
    expect(doorCheck({ access: false, syncToken: false })).toMatchObject({ ok: false, fix: expect.stringContaining('SYNC_TOKEN') });
    expect(doorCheck({ access: 'partly', problem: 'ACCESS_AUD is missing' })).toMatchObject({ ok: false, detail: 'ACCESS_AUD is missing' });
  });

  it('a file missing from R2, or of another size than the catalog says → red, naming how to upload it', () => {
    const digital = entry({ id: 'pack', digital: true, files: [{ key: 'pack/pack.pdf', name: 'PDF', size: 100 }] });
    expect(fileChecks([{ product: digital, key: 'pack/pack.pdf', stored: { size: 100 } }])[0]!.ok).toBe(true);
    expect(fileChecks([{ product: digital, key: 'pack/pack.pdf', stored: null }])[0]).toMatchObject({ ok: false, fix: expect.stringContaining('catalog/files/pack.pdf') });
    expect(fileChecks([{ product: digital, key: 'pack/pack.pdf', stored: { size: 99 } }])[0]).toMatchObject({ ok: false, detail: 'R2 holds 99 bytes, catalog.json expects 100' });
  });

  it('failed events, or a quiet webhook while orders exist, are red; dead side effects are red', () => {
    const quietFor = (days: number) => deliveryChecks({ failedEvents: 0, deadOutboxRows: 0, lastEventAgeSeconds: days * 86_400, ordersExist: true })[0]!.ok;
    expect(quietFor(1)).toBe(true);
    expect(quietFor(4)).toBe(false);
    expect(deliveryChecks({ failedEvents: 2, deadOutboxRows: 0, lastEventAgeSeconds: 10, ordersExist: false })[0]).toMatchObject({ ok: false, fix: expect.stringContaining('/admin/ledger') });
    expect(deliveryChecks({ failedEvents: 0, deadOutboxRows: 1, lastEventAgeSeconds: 10, ordersExist: false })[1]!.ok).toBe(false);
  });
});
