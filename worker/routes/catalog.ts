import { Hono } from 'hono';
import { etag } from 'hono/etag';
import { ProductIdParam, type CatalogResponse, type ProductResponse } from '../../contract/api';
import { liveCatalog } from '../storefront/live-catalog';
import type { AppEnv } from '../http/app-env';
import { activeProduct } from '../store/catalog';
import { hasStripeKey } from '../stripe/client';
import { validate } from '../http/validate';

/** Public data: browsers and the edge may keep it briefly and revalidate with the ETag. */
export const CATALOG_CACHE_CONTROL = 'public, max-age=30, stale-while-revalidate=300';

export const catalogRoute = new Hono<AppEnv>()
  .use('*', etag(), async (c, next) => {
    await next();
    if (c.res.status === 200 || c.res.status === 304) c.header('Cache-Control', CATALOG_CACHE_CONTROL);
  })
  // What the seller sells right now. `checkout` tells the storefront whether the
  // worker can create Checkout Sessions (a cart) or the shop runs on Payment Links.
  .get('/', async (c) => c.json({ checkout: hasStripeKey(c.env), products: await liveCatalog(c.env) } satisfies CatalogResponse, 200))
  // One product, for its page: a read by key, whatever the size of the catalog. A product
  // not on sale is an answer (`product: null`), not an error: every page of a shop without
  // the live catalog asks.
  .get('/products/:id', validate('param', ProductIdParam), async (c) => {
    const { product, speaksForSlugs } = await activeProduct(c.env.DB, c.req.valid('param').id);
    return c.json({ checkout: hasStripeKey(c.env), speaksForSlugs, product } satisfies ProductResponse, 200);
  });
