// Product pages at the edge: with products in the Stripe mirror, the worker renders
// /products/<id> with HTMLRewriter into the built template (or over the prerendered page) and
// serves the sitemap; unknown and archived products get the built 404 page with status 404.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import catalog from '../../../catalog/catalog.json';
import { liveCatalogFor, liveShopCatalog, resolveProductPage } from '../../../worker/storefront/product-pages';
import type { Env } from '../../../worker/platform/env';
import { builtAssets, builtFile } from '../support/assets';
import { countingDb } from '../support/counting-db';
import { testApp, testEnv } from '../support/app';
import { readProductPage } from '../support/html';
import { delivery, event, fakeStripe, fixture } from '../support/stripe';

const SITE = 'http://127.0.0.1:8787'; // the build's default SITE_URL
const ATTACK = '</script><script>alert(1)</script>';
/** Looks like a character reference: must read back as written, not as `R&D`. */
const LOOKALIKE = 'R&amp;D';
const pageEnv = (overrides: Partial<Env> = {}) => testEnv({ ASSETS: builtAssets(), ...overrides });
const unique = () => crypto.randomUUID().replaceAll('-', '').slice(0, 12);

const product = (id: string, overrides: Partial<Stripe.Product> = {}): Stripe.Product => ({
  ...fixture<Stripe.Product>('product'),
  id,
  active: true,
  metadata: {},
  ...overrides,
});
const price = (id: string, productId: string, overrides: Partial<Stripe.Price> = {}): Stripe.Price => ({
  ...fixture<Stripe.Price>('price'),
  id,
  product: productId,
  active: true,
  type: 'one_time',
  recurring: null,
  currency: 'usd',
  unit_amount: 1500,
  ...overrides,
});

/** Mirrors a product and its price into D1 the way the worker learns them: through signed webhooks. */
async function mirror(app: ReturnType<typeof testApp>, environment: Env, stripeProduct: Stripe.Product, stripePrice?: Stripe.Price) {
  expect((await app.send(await delivery(event('product.created', stripeProduct)), environment)).status).toBe(200);
  if (stripePrice) expect((await app.send(await delivery(event('price.created', stripePrice)), environment)).status).toBe(200);
}

const get = (app: ReturnType<typeof testApp>, path: string, environment: Env, headers: HeadersInit = {}) =>
  app.send(new Request(`https://shop.example${path}`, { headers }), environment);

describe('resolveProductPage', () => {
  it('leaves every page to the static assets when the mirror has no products', () => {
    expect(resolveProductPage('field-notes', null)).toEqual({ kind: 'static' });
    expect(resolveProductPage('no-such-product', null)).toEqual({ kind: 'static' });
  });
});

describe('GET /products/:id with live products', () => {
  it('decides every page from its own products (read by key) exactly as from the whole live catalog', async () => {
    const app = testApp();
    const environment = pageEnv();
    const tag = unique();
    const slug = `slug-${tag}`;
    const mirrored: [Stripe.Product, Stripe.Price | undefined][] = [
      [product(`prod_notes${tag}`, { name: 'Notes, live', metadata: { catalog_id: 'field-notes' } }), price(`price_notes${tag}`, `prod_notes${tag}`, { unit_amount: 1350 })],
      [product(`prod_slugged${tag}`, { name: 'A slugged one', metadata: { catalog_id: slug } }), price(`price_slugged${tag}`, `prod_slugged${tag}`)],
      // Same slug, later by name: the first one keeps the page.
      [product(`prod_twin${tag}`, { name: 'Z twin', metadata: { catalog_id: slug } }), price(`price_twin${tag}`, `prod_twin${tag}`)],
      [product(`prod_plain${tag}`, { name: 'Plain' }), price(`price_plain${tag}`, `prod_plain${tag}`)],
      [product(`prod_badslug${tag}`, { name: 'Bad slug', metadata: { catalog_id: 'not a slug!' } }), price(`price_badslug${tag}`, `prod_badslug${tag}`)],
      [product(`prod_noprice${tag}`, { name: 'No price' }), undefined],
      [product(`prod_archived${tag}`, { name: 'Archived', active: false }), price(`price_archived${tag}`, `prod_archived${tag}`)],
    ];
    for (const [stripeProduct, stripePrice] of mirrored) await mirror(app, environment, stripeProduct, stripePrice);
    const ids = [...catalog.products.map((entry) => entry.id), slug, ...mirrored.map(([stripeProduct]) => stripeProduct.id), `prod_unknown${tag}`];
    const whole = await liveShopCatalog(environment);
    for (const id of ids) expect(resolveProductPage(id, await liveCatalogFor(environment, id)), id).toEqual(resolveProductPage(id, whole));
    expect(resolveProductPage(slug, whole)).toMatchObject({ kind: 'render', product: { name: 'A slugged one' } });
  });

  it('a product page costs one D1 round trip and reads no catalog snapshot from KV', async () => {
    const app = testApp();
    const environment = pageEnv({ CATALOG: env.CATALOG });
    const id = `prod_trip${unique()}`;
    await mirror(app, environment, product(id, { name: 'One trip' }), price(`price_${id}`, id, { unit_amount: 2100 }));
    // A snapshot that disagrees with D1: the page must not be built from it.
    await env.CATALOG!.put('catalog:v1', JSON.stringify([{ id, name: 'From the snapshot', description: null, catalogId: null, prices: [] }]));
    const { db, counts } = countingDb(env.DB);
    const response = await get(app, `/products/${id}`, { ...environment, DB: db });
    expect(response.status).toBe(200);
    expect(counts.roundTrips).toBe(1);
    expect(await readProductPage(await response.text())).toMatchObject({ name: 'One trip', price: '$21.00' });
    await env.CATALOG!.delete('catalog:v1');
  });

  it('renders a product that exists only in Stripe into the template, every field escaped, JSON-LD included', async () => {
    const app = testApp();
    const environment = pageEnv();
    const id = `prod_live${unique()}`;
    const description = `Made <b>by hand</b> & "signed" in the ${LOOKALIKE} lab — ${ATTACK}`;
    await mirror(app, environment, product(id, { name: ATTACK, description }), price(`price_${id}`, id, { unit_amount: 4250 }));

    const response = await get(app, `/products/${id}`, environment);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).not.toMatch(/\{\{\w+\}\}/); // every slot of the template was filled

    const page = await readProductPage(html);
    const url = `${SITE}/products/${id}`;
    expect(page.scripts).toBe((await readProductPage(builtFile('/_templates/product.html'))).scripts); // no script was added
    expect(page.bold).toBe(0); // nor any other element
    expect(page).toMatchObject({
      title: `${ATTACK} — ${catalog.shopName}`,
      canonical: url,
      productId: id,
      name: ATTACK,
      description,
      price: '$42.50',
      image: { src: '/images/product.svg', alt: ATTACK },
      buy: null, // no Stripe key: nothing can sell it without a Payment Link
    });
    expect(page.robots).toBeNull();
    expect(page.meta).toMatchObject({
      description,
      'og:type': 'product',
      'og:title': ATTACK,
      'og:url': url,
      'og:image': `${SITE}/images/share/product.png`,
      'product:price:amount': '42.50',
      'product:price:currency': 'USD',
      'twitter:card': 'summary_large_image',
      'twitter:title': ATTACK,
    });
    expect(page.jsonLd).toHaveLength(1);
    expect(page.jsonLd[0]).not.toContain('<');
    expect(JSON.parse(page.jsonLd[0]!)).toMatchObject({
      '@type': 'Product',
      name: ATTACK,
      description,
      image: `${SITE}/images/share/product.png`,
      url,
      offers: { '@type': 'Offer', price: '42.50', priceCurrency: 'USD', availability: 'https://schema.org/InStock', url },
    });
  });

  it('answers with an ETag and a short, revalidating Cache-Control, and 304 to a matching If-None-Match', async () => {
    const app = testApp();
    const environment = pageEnv();
    const id = `prod_etag${unique()}`;
    await mirror(app, environment, product(id, { name: 'Cached candle' }), price(`price_${id}`, id));

    const first = await get(app, `/products/${id}`, environment);
    expect(first.status).toBe(200);
    const tag = first.headers.get('etag');
    expect(tag).toMatch(/^"[0-9a-f]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60, stale-while-revalidate=600');

    const again = await get(app, `/products/${id}`, environment, { 'if-none-match': tag! });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(tag);

    // A new price is a new page, so the old tag no longer matches.
    await app.send(await delivery(event('price.updated', price(`price_${id}`, id, { active: false }))), environment);
    await app.send(await delivery(event('price.created', price(`price_${id}_2`, id, { unit_amount: 1999 }))), environment);
    const changed = await get(app, `/products/${id}`, environment, { 'if-none-match': tag! });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(tag);
    expect((await readProductPage(await changed.text())).price).toBe('$19.99');
  });

  it('shows a catalog product’s live price in the page and its JSON-LD, keeping the prerendered Buy link', async () => {
    const app = testApp();
    const environment = pageEnv();
    const id = `prod_notes${unique()}`;
    await mirror(app, environment, product(id, { name: 'Field Notes Pattern Pack', metadata: { catalog_id: 'field-notes' } }), price(`price_${id}`, id, { unit_amount: 1350 }));

    const response = await get(app, '/products/field-notes', environment);
    expect(response.status).toBe(200);
    const page = await readProductPage(await response.text());
    const built = await readProductPage(builtFile('/products/field-notes.html'));
    expect(page.price).toBe('$13.50');
    expect(page.meta['product:price:amount']).toBe('13.50');
    expect(JSON.parse(page.jsonLd[0]!).offers).toMatchObject({ price: '13.50', priceCurrency: 'USD' });
    expect(page.buy).toEqual(built.buy);
    expect(page.image).toEqual(built.image);
    expect(page.canonical).toBe(`${SITE}/products/field-notes`);
  });

  it('answers 404 with the noindex 404 page for an unknown id, a malformed id and the template', async () => {
    const app = testApp();
    const environment = pageEnv();
    const id = `prod_known${unique()}`;
    await mirror(app, environment, product(id), price(`price_${id}`, id));
    for (const path of [`/products/prod_unknown${unique()}`, '/products/bad%20id%3Cx%3E', '/_templates/product']) {
      const response = await get(app, path, environment);
      expect(response.status, path).toBe(404);
      const page = await readProductPage(await response.text());
      expect(page.robots, path).toBe('noindex');
      expect(page.title, path).toMatch(/^Page not found/);
    }
  });

  it('answers 404 for a product archived in Stripe, and leaves it out of the sitemap', async () => {
    const app = testApp();
    const environment = pageEnv();
    const id = `prod_gone${unique()}`;
    const kept = `prod_kept${unique()}`;
    await mirror(app, environment, product(id, { name: 'Soon gone' }), price(`price_${id}`, id));
    await mirror(app, environment, product(kept, { name: 'Still here' }), price(`price_${kept}`, kept));
    expect((await get(app, `/products/${id}`, environment)).status).toBe(200);

    await app.send(await delivery(event('product.updated', product(id, { name: 'Soon gone', active: false }))), environment);
    const response = await get(app, `/products/${id}`, environment);
    expect(response.status).toBe(404);
    expect((await readProductPage(await response.text())).robots).toBe('noindex');

    const sitemap = await get(app, '/sitemap.xml', environment);
    expect(sitemap.status).toBe(200);
    expect(sitemap.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await sitemap.text();
    expect(xml).toContain(`<loc>${SITE}/products/${kept}</loc>`);
    expect(xml).not.toContain(id);
    expect(xml).toContain(`<loc>${SITE}/</loc>`);
    expect(xml).not.toMatch(/\/(cart|success|cancel|404|product)<\/loc>/);
  });
});

/** Checkout Sessions the local Stripe was asked to create for this price. */
async function sessionsCreatedFor(priceId: string): Promise<number> {
  const { requests } = (await (await fetch(`${env.FAKE_STRIPE_URL}/__fake/requests`)).json()) as { requests: { method: string; path: string; params: unknown }[] };
  return requests.filter((r) => r.method === 'POST' && r.path === '/v1/checkout/sessions' && JSON.stringify(r.params).includes(`"${priceId}"`)).length;
}

/** Buy's form as a browser sends it: a urlencoded POST with the headers a browser adds. */
const buy = (app: ReturnType<typeof testApp>, path: string, environment: Env, fields: Record<string, string> = {}, headers: Record<string, string> = SAME_ORIGIN) =>
  app.send(
    new Request(`https://shop.example${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    }),
    environment,
  );
const SAME_ORIGIN = { origin: 'https://shop.example', 'sec-fetch-site': 'same-origin' };

describe('Buy of a product that exists only in Stripe', () => {
  const withStripe = () => pageEnv({ STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL });
  async function liveOnlyProduct(app: ReturnType<typeof testApp>, environment: Env) {
    const stripe = fakeStripe(env.FAKE_STRIPE_URL);
    const created = await stripe.products.create({ name: `Live-only lantern ${unique()}` });
    const createdPrice = await stripe.prices.create({ product: created.id, unit_amount: 3100, currency: 'usd' });
    await mirror(app, environment, created, createdPrice);
    return { stripe, created, createdPrice };
  }

  it('is a form on its page that POSTs to /products/<id>/checkout (usable without JavaScript)', async () => {
    const app = testApp();
    const environment = withStripe();
    const { created } = await liveOnlyProduct(app, environment);
    const page = await readProductPage(await (await get(app, `/products/${created.id}`, environment)).text());
    expect(page.buyForm).toEqual({ method: 'post', action: `/products/${created.id}/checkout` });
    expect(page.buy).toEqual({ href: null, id: created.id });
  });

  it('40 GETs of /products/<id>/checkout (an <img>, a prefetcher, an unfurl bot) create no Checkout Session: each is a 303 to the product page', async () => {
    const app = testApp();
    const environment = withStripe();
    const { created, createdPrice } = await liveOnlyProduct(app, environment);
    for (let i = 0; i < 40; i++) {
      const response = await get(app, `/products/${created.id}/checkout?client_reference_id=buyer_${i}`, environment);
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`/products/${created.id}`);
    }
    expect(await sessionsCreatedFor(createdPrice.id)).toBe(0);
  });

  it('a same-origin form POST creates one Checkout Session for its price and answers 303 to it', async () => {
    const app = testApp();
    const environment = withStripe();
    const { stripe, createdPrice, created } = await liveOnlyProduct(app, environment);

    const response = await buy(app, `/products/${created.id}/checkout`, environment, { client_reference_id: 'buyer_42', prefilled_email: 'buyer@example.com' });
    expect(response.status).toBe(303);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const session = await stripe.checkout.sessions.retrieve(response.headers.get('location')!.split('/').pop()!, { expand: ['line_items'] });
    expect(session).toMatchObject({ mode: 'payment', client_reference_id: 'buyer_42', customer_email: 'buyer@example.com', amount_total: 3100 });
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([[createdPrice.id, 1]]);
    expect(await sessionsCreatedFor(createdPrice.id)).toBe(1);
  });

  it('a POST without the buyer (no JavaScript) ties the session to a fresh reference', async () => {
    const app = testApp();
    const environment = withStripe();
    const { stripe, created } = await liveOnlyProduct(app, environment);
    const response = await buy(app, `/products/${created.id}/checkout`, environment);
    expect(response.status).toBe(303);
    const session = await stripe.checkout.sessions.retrieve(response.headers.get('location')!.split('/').pop()!);
    expect(session.client_reference_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['from another site', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }],
    ['from a sibling subdomain', { origin: 'https://evil.shop.example', 'sec-fetch-site': 'same-site' }],
    ['from another site, by an old browser (Origin only)', { origin: 'https://evil.example' }],
    ['with neither Origin nor Sec-Fetch-Site', {}],
  ])('a form POST %s → 403 naming the reason, no Checkout Session', async (_label, headers) => {
    const app = testApp();
    const environment = withStripe();
    const { created, createdPrice } = await liveOnlyProduct(app, environment);
    const response = await buy(app, `/products/${created.id}/checkout`, environment, { client_reference_id: 'buyer_43' }, headers);
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: expect.stringMatching(/only from this shop.s own pages/) });
    expect(await sessionsCreatedFor(createdPrice.id)).toBe(0);
  });

  it('a Buy form larger than 1 KiB → 413 naming the limit, no Checkout Session', async () => {
    const app = testApp();
    const environment = withStripe();
    const { created, createdPrice } = await liveOnlyProduct(app, environment);
    const response = await buy(app, `/products/${created.id}/checkout`, environment, { client_reference_id: 'buyer_44', padding: 'x'.repeat(2000) });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'a Buy form larger than 1024 bytes' });
    expect(await sessionsCreatedFor(createdPrice.id)).toBe(0);
  });

  it('sends the buyer of a catalog product (Buy without a Payment Link) to a new Checkout Session at its mirrored price', async () => {
    const stripe = fakeStripe(env.FAKE_STRIPE_URL);
    const app = testApp();
    const environment = pageEnv({ STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL });
    const created = await stripe.products.create({ name: 'Trail Map Print', metadata: { catalog_id: 'trail-map-print' } });
    const createdPrice = await stripe.prices.create({ product: created.id, unit_amount: 2600, currency: 'usd' });
    await mirror(app, environment, created, createdPrice);

    const response = await buy(app, '/products/trail-map-print/checkout', environment, { client_reference_id: 'buyer_43' });
    expect(response.status).toBe(303);
    const session = await stripe.checkout.sessions.retrieve(response.headers.get('location')!.split('/').pop()!, { expand: ['line_items'] });
    expect(session).toMatchObject({ mode: 'payment', client_reference_id: 'buyer_43', amount_total: 2600, metadata: { product_id: 'trail-map-print' } });
    expect(session.line_items?.data.map((item) => [item.price?.id, item.quantity])).toEqual([[createdPrice.id, 1]]);
  });

  it("sends Cancel on Buy's hosted checkout back to the product's cancel page, /cancel?product=<id>, not to the cart", async () => {
    const stripe = fakeStripe(env.FAKE_STRIPE_URL);
    const app = testApp();
    const environment = pageEnv({ STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL });
    const created = await stripe.products.create({ name: 'Enamel Mug', metadata: { catalog_id: 'enamel-mug' } });
    const createdPrice = await stripe.prices.create({ product: created.id, unit_amount: 1800, currency: 'usd' });
    await mirror(app, environment, created, createdPrice);

    const response = await buy(app, '/products/enamel-mug/checkout', environment, { client_reference_id: 'buyer_45' });
    expect(response.status).toBe(303);
    const session = await stripe.checkout.sessions.retrieve(response.headers.get('location')!.split('/').pop()!);
    expect(session.cancel_url).toBe('https://shop.example/cancel?product=enamel-mug');
    expect(session.success_url).toBe('https://shop.example/success?session_id={CHECKOUT_SESSION_ID}');
  });

  it('answers 404 for any product, catalog or only in Stripe, when the worker has no Stripe key', async () => {
    const app = testApp();
    const id = `prod_nokey${unique()}`;
    const environment = pageEnv();
    await mirror(app, environment, product(id), price(`price_${id}`, id));
    const map = `prod_map${unique()}`;
    await mirror(app, environment, product(map, { metadata: { catalog_id: 'trail-map-print' } }), price(`price_${map}`, map));
    expect((await buy(app, `/products/${id}/checkout`, environment)).status).toBe(404);
    expect((await buy(app, '/products/trail-map-print/checkout', environment)).status).toBe(404);
  });
});

describe('GET /product?id=', () => {
  it('answers 301 to /products/<id>, and to / for an id no product can have', async () => {
    const app = testApp();
    const moved = await get(app, '/product?id=field-notes', pageEnv());
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/products/field-notes');
    const bad = await get(app, '/product?id=%3Cscript%3E', pageEnv());
    expect(bad.status).toBe(301);
    expect(bad.headers.get('location')).toBe('/');
  });
});
