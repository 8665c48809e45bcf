// Pages the worker serves instead of, or over, the static assets: product pages with the live
// catalog, the sitemap with live products, Buy through the worker's checkout (a form POST), and
// the old /product?id= URL. wrangler.toml's run_worker_first sends these paths here.
import { Hono, type Context } from 'hono';
import { etag } from 'hono/etag';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { PRODUCT_SLUG, productPath } from '../../catalog';
import { EMAIL } from '../../contract/ids';
import { MAX_BUY_FORM_BYTES } from '../../contract/limits';
import { createCheckout } from '../checkout/sessions';
import type { Env } from '../platform/env';
import type { AppEnv } from '../http/app-env';
import { CLIENT_REFERENCE_ID } from '../../contract/ids';
import { liveCatalogFor, liveShopCatalog, liveSitemap, renderProductPage, resolveProductPage, TEMPLATE_PATH } from '../storefront/product-pages';
import { pageSecurityHeaders } from './page-headers';
import { sameOriginForm } from './same-origin';

/** Short enough that a price change shows soon; stale-while-revalidate keeps pages instant meanwhile. */
export const PAGE_CACHE_CONTROL = 'public, max-age=60, stale-while-revalidate=600';

export const pages = new Hono<AppEnv>();

function assets(env: Env): Fetcher {
  if (!env.ASSETS) throw new HTTPException(500, { message: 'the ASSETS binding (the built site) is missing' });
  return env.ASSETS;
}

/** The built 404 page (noindex) with status 404. */
async function notFoundPage(c: Context<AppEnv>): Promise<Response> {
  const page = await assets(c.env).fetch(new URL('/404', c.req.url));
  const response = new Response(page.body, { status: 404, headers: page.headers });
  response.headers.delete('etag');
  response.headers.set('cache-control', PAGE_CACHE_CONTROL);
  return response;
}

/** The request served by the static assets as built (a copy: their headers are immutable, middleware adds to them). */
async function asBuilt(c: Context<AppEnv>): Promise<Response> {
  const response = await assets(c.env).fetch(c.req.raw);
  return new Response(response.body, response);
}

async function builtPage(c: Context<AppEnv>, path: string): Promise<string> {
  const response = await assets(c.env).fetch(new URL(path, c.req.url));
  if (!response.ok) throw new HTTPException(500, { message: `the built site has no ${path} (${response.status})` });
  return response.text();
}

// The static pages' headers (_headers does not apply to what the worker answers); a page
// served as built keeps its own.
const securityHeaders = pageSecurityHeaders();
for (const path of ['/products/*', '/product', '/sitemap.xml', '/_templates/*']) pages.use(path, securityHeaders);
pages.use('/products/*', etag());
pages.use('/sitemap.xml', etag());

pages.get('/products/:id', async (c) => {
  const id = c.req.param('id');
  if (!PRODUCT_SLUG.test(id)) return notFoundPage(c);
  const page = resolveProductPage(id, await liveCatalogFor(c.env, id));
  if (page.kind === 'static') return asBuilt(c);
  if (page.kind === 'not-found') return notFoundPage(c);
  const base = await builtPage(c, page.base === 'template' ? TEMPLATE_PATH : productPath(id));
  const rendered = await renderProductPage(base, page);
  const response = new Response(rendered.body, rendered);
  response.headers.set('cache-control', PAGE_CACHE_CONTROL);
  return response;
});

// Buy for a product that exists only in Stripe, or a catalog product without a Payment Link in a
// build with WORKER_CHECKOUT=true: its page's form POSTs here and is sent on to a new Checkout
// Session at the mirror's price. Only a POST from the shop's own pages starts one: a GET (an <img>,
// a prefetcher, a link unfurler) or another site's form would spend the seller's Stripe calls.
pages.get('/products/:id/checkout', (c) => {
  const id = c.req.param('id');
  if (!PRODUCT_SLUG.test(id)) return notFoundPage(c);
  return c.redirect(productPath(id), 303);
});

pages.post(
  '/products/:id/checkout',
  sameOriginForm("Buy is accepted only from this shop's own pages"),
  bodyLimit({
    maxSize: MAX_BUY_FORM_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: `a Buy form larger than ${MAX_BUY_FORM_BYTES} bytes` });
    },
  }),
  async (c) => {
    const id = c.req.param('id');
    const page = PRODUCT_SLUG.test(id) ? resolveProductPage(id, await liveCatalogFor(c.env, id)) : null;
    if (page?.kind !== 'render' || !page.checkoutPrice) return notFoundPage(c);
    const form = await c.req.parseBody();
    const reference = typeof form.client_reference_id === 'string' ? form.client_reference_id : '';
    const email = typeof form.prefilled_email === 'string' ? form.prefilled_email : '';
    const answer = await createCheckout(
      c.env,
      {
        items: [{ price: page.checkoutPrice, quantity: 1 }],
        // Without JavaScript the form sends none: a fresh one still ties the order to this checkout.
        clientReferenceId: CLIENT_REFERENCE_ID.test(reference) ? reference : crypto.randomUUID(),
        email: EMAIL.test(email) ? email : null,
        // The buyer came from the product, not the cart: the cancel page leads back to it.
        cancelPath: `/cancel?${new URLSearchParams({ product: id }).toString()}`,
      },
      new URL(c.req.url).origin,
      true,
    );
    if (!('url' in answer)) throw new Error('a redirect checkout answered without a url');
    c.header('cache-control', 'no-store');
    return c.redirect(answer.url, 303);
  },
);

pages.get('/sitemap.xml', async (c) => {
  const live = await liveShopCatalog(c.env);
  if (!live) return asBuilt(c);
  const xml = liveSitemap(await builtPage(c, '/sitemap.xml'), live);
  return c.body(xml, 200, { 'content-type': 'application/xml; charset=utf-8', 'cache-control': PAGE_CACHE_CONTROL });
});

// The old product URL, kept for links already shared.
pages.get('/product', (c) => {
  const id = c.req.query('id') ?? '';
  return c.redirect(PRODUCT_SLUG.test(id) ? productPath(id) : '/', 301);
});

// The template is for the worker alone.
pages.get('/_templates/*', (c) => notFoundPage(c));
// Below /products/, only the pages above exist.
pages.get('/products/*', (c) => notFoundPage(c));
