// Every page the worker builds itself carries the static pages' security headers: _headers
// (dist/, the static assets') does not apply to a Worker's responses, so without them another
// site could frame a product page with its Buy button. The walk below covers every route under
// the worker's page paths, and a test checks that none is left out.
import { env } from 'cloudflare:workers';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { pageHeaders, policyText, PAGE_POLICY, widenPolicy } from '../../../contract/page-headers';
import { REFUSAL_PAGE_STYLE_SOURCE } from '../../../worker/delivery/refusal-page';
import type { Env } from '../../../worker/platform/env';
import { liveShopCatalog } from '../../../worker/storefront/product-pages';
import { builtAssets, builtFile } from '../support/assets';
import { testApp, testEnv } from '../support/app';
import { delivery, event, fakeStripe, fixture } from '../support/stripe';

type App = ReturnType<typeof testApp>;
const unique = () => crypto.randomUUID().replaceAll('-', '').slice(0, 12);
const SAME_ORIGIN = { origin: 'https://shop.example', 'sec-fetch-site': 'same-origin' };
const request = (path: string, init: RequestInit = {}) => new Request(`https://shop.example${path}`, init);
const form = (path: string, fields: Record<string, string>, headers: Record<string, string> = SAME_ORIGIN) =>
  request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });
const PAGE = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate' };

/** The /* block of dist/_headers: what the static pages send. */
function staticPageHeaders(): Record<string, string> {
  const block = builtFile('/_headers').split(/\n\n/)[0]!;
  return Object.fromEntries(block.split('\n').slice(1).map((line) => line.trim().split(/:\s(.*)/).slice(0, 2) as [string, string]));
}

/** A shop with live products: a product only in Stripe (with a price and a Stripe key, so it can be bought). */
async function liveShop(app: App) {
  const environment = testEnv({ ASSETS: builtAssets(), STRIPE_SECRET_KEY: 'sk_test_worker_suite', STRIPE_API_BASE: env.FAKE_STRIPE_URL });
  const stripe = fakeStripe(env.FAKE_STRIPE_URL);
  const product = await stripe.products.create({ name: `Framed lantern ${unique()}` });
  const price = await stripe.prices.create({ product: product.id, unit_amount: 2500, currency: 'usd' });
  for (const [type, object] of [['product.created', product], ['price.created', price]] as const) {
    expect((await app.send(await delivery(event(type, object)), environment)).status).toBe(200);
  }
  // A catalog product mirrored too, so its page is rendered over the prerendered one.
  const notes = { ...fixture<Stripe.Product>('product'), id: `prod_notes${unique()}`, active: true, metadata: { catalog_id: 'field-notes' } };
  const notesPrice = { ...fixture<Stripe.Price>('price'), id: `price_notes${unique()}`, product: notes.id, active: true, type: 'one_time', recurring: null, currency: 'usd', unit_amount: 1300 };
  for (const [type, object] of [['product.created', notes], ['price.created', notesPrice]] as const) {
    expect((await app.send(await delivery(event(type, object)), environment)).status).toBe(200);
  }
  return { environment, id: product.id };
}

interface Visit {
  /** The route as the app registers it: method and path pattern. */
  route: string;
  label: string;
  request: (id: string) => Request;
  /** Without live products (the static pages as built, through the worker). */
  staticShop?: boolean;
  /** Changes to the live shop's env. */
  env?: Partial<Env>;
  status: number;
}

const VISITS: Visit[] = [
  { route: 'GET /products/:id', label: 'a catalog product as built (no live products)', staticShop: true, request: () => request('/products/field-notes'), status: 200 },
  { route: 'GET /products/:id', label: 'a catalog product rendered with its live price', request: () => request('/products/field-notes'), status: 200 },
  { route: 'GET /products/:id', label: 'a product only in Stripe, rendered from the template', request: (id) => request(`/products/${id}`), status: 200 },
  { route: 'GET /products/:id', label: 'the 404 page for an unknown product', request: () => request(`/products/prod_unknown${unique()}`), status: 404 },
  { route: 'GET /products/:id', label: 'the 404 page for a malformed id', request: () => request('/products/bad%20id%3Cx%3E'), status: 404 },
  { route: 'GET /products/*', label: 'the 404 page for a path under /products/ no page has', request: () => request('/products/field-notes/nothing/here'), status: 404 },
  { route: 'GET /products/:id/checkout', label: 'the GET of Buy (a 303 to the page)', request: (id) => request(`/products/${id}/checkout`), status: 303 },
  { route: 'POST /products/:id/checkout', label: 'Buy (a 303 to the Checkout Session)', request: (id) => form(`/products/${id}/checkout`, {}), status: 303 },
  { route: 'POST /products/:id/checkout', label: 'Buy from another site (refused)', request: (id) => form(`/products/${id}/checkout`, {}, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), status: 403 },
  { route: 'GET /sitemap.xml', label: 'the live sitemap', request: () => request('/sitemap.xml'), status: 200 },
  { route: 'GET /sitemap.xml', label: 'the sitemap as built', staticShop: true, request: () => request('/sitemap.xml'), status: 200 },
  { route: 'GET /product', label: 'the old product URL (a 301)', request: () => request('/product?id=field-notes'), status: 301 },
  { route: 'GET /_templates/*', label: 'the template (404 page)', request: () => request('/_templates/product'), status: 404 },
  {
    route: 'GET /downloads/:token/:key{.+}',
    label: 'the page for a refused download',
    request: () => request(`/downloads/dl_test_${unique()}/files/field-notes.pdf?expires=4102444800&signature=${'A'.repeat(43)}`, { headers: PAGE }),
    status: 403,
  },
];

function expectPageHeaders(response: Response, label: string) {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp, `${label}: Content-Security-Policy`).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
  expect(csp, label).toMatch(/^default-src 'self'; script-src 'self'; /);
  expect(response.headers.get('x-frame-options'), label).toBe('DENY');
  expect(response.headers.get('x-content-type-options'), label).toBe('nosniff');
  expect(response.headers.get('referrer-policy'), label).toBe('strict-origin-when-cross-origin');
}

// First, while this file's database has no products yet: the static pages, served as built.
describe('security headers on every page the worker builds, before any product is live', () => {
  it.each(VISITS.filter((visit) => visit.staticShop).map((visit) => [`${visit.route}: ${visit.label}`, visit] as const))('%s', async (_name, visit) => {
    expect(await liveShopCatalog(env), 'no live products yet').toBeNull();
    const response = await testApp().send(visit.request(''), testEnv({ ASSETS: builtAssets(), ...visit.env }));
    await response.arrayBuffer();
    expect(response.status).toBe(visit.status);
    expectPageHeaders(response, visit.label);
  });

  it('a page served as built keeps the headers the static assets sent with it', async () => {
    expect(await liveShopCatalog(env), 'no live products yet').toBeNull();
    const assets = builtAssets();
    const ownHeaders = { 'content-security-policy': "default-src 'self'; connect-src 'self' https://api.shop.example; frame-ancestors 'none'", 'referrer-policy': 'no-referrer' };
    const withOwnHeaders = {
      async fetch(input: RequestInfo | URL) {
        const response = await assets.fetch(input as Request);
        const copy = new Response(response.body, response);
        for (const [name, value] of Object.entries(ownHeaders)) copy.headers.set(name, value);
        return copy;
      },
    } as unknown as Fetcher;
    const response = await testApp().send(request('/products/field-notes'), testEnv({ ASSETS: withOwnHeaders }));
    expect(response.status).toBe(200);
    for (const [name, value] of Object.entries(ownHeaders)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('security headers on every page the worker builds', () => {
  it.each(VISITS.filter((visit) => !visit.staticShop).map((visit) => [`${visit.route}: ${visit.label}`, visit] as const))('%s', async (_name, visit) => {
    const app = testApp();
    const { environment, id } = await liveShop(app);
    const response = await app.send(visit.request(id), { ...environment, ...visit.env });
    await response.arrayBuffer();
    expect(response.status).toBe(visit.status);
    expectPageHeaders(response, visit.label);
  });

  it('the walk covers every route under the worker\'s page paths', () => {
    const pagePaths = /^\/(products|product$|sitemap\.xml|_templates|downloads)\b/;
    const routes = new Set(testApp().app.routes.filter((route) => route.method !== 'ALL' && pagePaths.test(route.path)).map((route) => `${route.method} ${route.path}`));
    expect([...routes].sort()).toEqual([...new Set(VISITS.map((visit) => visit.route))].sort());
  });

  it('a product page\'s policy is the static pages\' own (dist/_headers), so one definition serves both', async () => {
    const app = testApp();
    const { environment, id } = await liveShop(app);
    const response = await app.send(request(`/products/${id}`), { ...environment, STRIPE_API_BASE: undefined });
    const built = staticPageHeaders();
    expect(built).toEqual(pageHeaders());
    for (const [name, value] of Object.entries(built)) expect(response.headers.get(name), name).toBe(value);
  });

  it('with a Stripe stand-in (STRIPE_API_BASE), form-action also allows its hosted checkout, where Buy\'s form is redirected', async () => {
    const app = testApp();
    const { environment, id } = await liveShop(app);
    const response = await app.send(request(`/products/${id}`), environment);
    expect(response.headers.get('content-security-policy')).toBe(policyText(widenPolicy(PAGE_POLICY, { formAction: [new URL(env.FAKE_STRIPE_URL).origin] })));
  });

  it('the refusal page adds only its inline style\'s hash to the policy', async () => {
    const app = testApp();
    const { environment } = await liveShop(app);
    const refusal = await app.send(VISITS.find((visit) => visit.route.startsWith('GET /downloads'))!.request(''), { ...environment, STRIPE_API_BASE: undefined });
    expect(refusal.headers.get('content-security-policy')).toBe(policyText(widenPolicy(PAGE_POLICY, { styleSrc: [REFUSAL_PAGE_STYLE_SOURCE] })));
  });
});
