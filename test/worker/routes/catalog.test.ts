import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { CATALOG_REBUILD_WINDOW_MS } from '../../../worker/mirror/sync';
import { CATALOG_CACHE_CONTROL } from '../../../worker/routes/catalog';
import { bodyOf, testApp, testEnv } from '../support/app';
import { delivery, event, fixture } from '../support/stripe';


const product = (id: string, overrides: Partial<Stripe.Product> = {}) => ({ ...fixture<Stripe.Product>('product'), id, metadata: { catalog_id: 'field-notes' }, ...overrides });
const price = (id: string, productId: string, overrides: Partial<Stripe.Price> = {}) => ({
  ...fixture<Stripe.Price>('price'),
  id,
  product: productId,
  type: 'one_time' as const,
  recurring: null,
  unit_amount: 1500,
  ...overrides,
});

// Each test runs on a clock of its own, a minute past the previous test's, so that no two
// share a rebuild window (and signatures stay within their 300 s tolerance).
let lastStart = Date.now();
const ownClock = () => (lastStart = Math.max(lastStart, Date.now()) + 60_000);

describe('GET /api/catalog', () => {
  it('serves active products with active prices, follows webhooks, and rebuilds from D1 when KV is empty', async () => {
    let clock = ownClock();
    const app = testApp({ now: () => clock });
    const environment = testEnv({ CATALOG: env.CATALOG });
    // The snapshot is rebuilt once per window, when the window closes: read after it.
    const read = async () => {
      clock += 2 * CATALOG_REBUILD_WINDOW_MS;
      await app.redeliverRetries(environment);
      return bodyOf(app.client(environment).api.catalog.$get());
    };
    const id = `prod_${crypto.randomUUID().slice(0, 8)}`;

    await app.send(await delivery(event('product.created', product(id), { created: 100 })), environment);
    await app.send(await delivery(event('price.created', price(`price_${id}`, id), { created: 100 })), environment);
    let catalog = await read();
    expect(catalog.checkout).toBe(false);
    expect(catalog.products.find((entry) => entry.id === id)).toMatchObject({ name: 'T-shirt', catalogId: 'field-notes', prices: [{ id: `price_${id}`, unitAmount: 1500 }] });

    // The seller renames it and changes the price in the dashboard.
    await app.send(await delivery(event('product.updated', product(id, { name: 'Renamed' }), { created: 200 })), environment);
    await app.send(await delivery(event('price.updated', price(`price_${id}`, id, { active: false }), { created: 200 })), environment);
    await app.send(await delivery(event('price.created', price(`price_${id}_2`, id, { unit_amount: 1800 }), { created: 200 })), environment);
    catalog = await read();
    expect(catalog.products.find((entry) => entry.id === id)).toMatchObject({ name: 'Renamed', prices: [{ id: `price_${id}_2`, unitAmount: 1800 }] });

    // Archived: gone from the catalog without a redeploy.
    await app.send(await delivery(event('product.updated', product(id, { name: 'Renamed', active: false }), { created: 300 })), environment);
    catalog = await read();
    expect(catalog.products.some((entry) => entry.id === id)).toBe(false);

    // KV is a cache: without it the catalog is rebuilt from D1.
    await env.CATALOG.delete('catalog:v1');
    expect((await read()).products.some((entry) => entry.id === id)).toBe(false);
    expect(await env.CATALOG.get('catalog:v1')).not.toBeNull();
  });

  it('lists the product’s default price first, whatever the amounts', async () => {
    let clock = ownClock();
    const app = testApp({ now: () => clock });
    const environment = testEnv({ CATALOG: env.CATALOG });
    const id = `prod_${crypto.randomUUID().slice(0, 8)}`;
    await app.send(await delivery(event('price.created', price(`price_${id}_cheap`, id, { unit_amount: 1200 }), { created: 100 })), environment);
    await app.send(await delivery(event('price.created', price(`price_${id}_default`, id, { unit_amount: 9900 }), { created: 100 })), environment);
    await app.send(await delivery(event('product.created', product(id, { default_price: `price_${id}_default` }), { created: 100 })), environment);
    clock += 2 * CATALOG_REBUILD_WINDOW_MS;
    await app.redeliverRetries(environment);
    const catalog = await bodyOf(app.client(environment).api.catalog.$get());
    expect(catalog.products.find((entry) => entry.id === id)?.prices.map((entry) => entry.id)).toEqual([`price_${id}_default`, `price_${id}_cheap`]);
  });

  it('says checkout is available when the worker has a Stripe key', async () => {
    const app = testApp();
    expect((await bodyOf(app.client(testEnv({ STRIPE_SECRET_KEY: 'sk_test_x' })).api.catalog.$get())).checkout).toBe(true);
  });
});

describe('GET /api/catalog caching: public data, revalidated by ETag', () => {
  it('answers with an ETag and a short public Cache-Control, and 304 to a matching If-None-Match', async () => {
    const app = testApp();
    const environment = testEnv({ CATALOG: env.CATALOG });
    const first = await app.send(new Request('https://shop.example/api/catalog'), environment);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe(CATALOG_CACHE_CONTROL);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"|^W\//);
    const again = await app.send(new Request('https://shop.example/api/catalog', { headers: { 'if-none-match': tag! } }), environment);
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('cache-control')).toBe(CATALOG_CACHE_CONTROL);
  });

  it('order data stays no-store beside it', async () => {
    const app = testApp();
    const response = await app.send(new Request('https://shop.example/api/orders/cs_test_a1NoSuchOrder'));
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('GET /api/catalog/products/:id: one product, for its page', () => {
  it('finds an active product by its Stripe id or its catalog slug, with its prices', async () => {
    const app = testApp();
    const id = `prod_${crypto.randomUUID().slice(0, 8)}`;
    const slug = `slug-${crypto.randomUUID().slice(0, 8)}`;
    await app.send(await delivery(event('product.created', product(id, { metadata: { catalog_id: slug } }), { created: 100 })));
    await app.send(await delivery(event('price.created', price(`price_${id}`, id), { created: 100 })));
    for (const key of [id, slug]) {
      const response = await app.send(new Request(`https://shop.example/api/catalog/products/${key}`));
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe(CATALOG_CACHE_CONTROL);
      expect(await response.json()).toMatchObject({ product: { id, catalogId: slug, prices: [{ id: `price_${id}`, unitAmount: 1500 }] } });
    }
  });

  it('an unknown or archived product is not on sale: 200 with product null (no console error on every page); 400 for a malformed id', async () => {
    const app = testApp();
    const id = `prod_${crypto.randomUUID().slice(0, 8)}`;
    await app.send(await delivery(event('product.created', product(id, { active: false }), { created: 100 })));
    for (const key of [id, 'prod_nothing_here']) {
      const response = await app.send(new Request(`https://shop.example/api/catalog/products/${key}`));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ product: null, speaksForSlugs: expect.any(Boolean) });
    }
    const malformed = await app.send(new Request('https://shop.example/api/catalog/products/has%20space'));
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('cache-control')).toBe('no-store');
  });
});
