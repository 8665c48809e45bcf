import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timingSafeEqual } from 'hono/utils/buffer';
import type Stripe from 'stripe';
import type { AppEnv } from '../dependencies';
import { isStripeError, stripeClient, stripeErrorMessage } from '../stripe/client';
import { findProduct } from '../../catalog';
import { LicenceKeysRequest, ReplayRequest, SyncRequest, type LicenceKeysResponse, type ReplayResponse, type SyncResponse } from '../../contract/api';
import { addPoolKeys } from '../store/licences';
import { replayPage, syncPage } from '../backfill';
import { handlerContext } from './context';
import { requireJson } from './require-json';
import { validate } from './validate';

export const admin = new Hono<AppEnv>();

// Absent unless a SYNC_TOKEN is configured; then only for its bearer.
admin.use('*', async (c, next) => {
  const expected = c.env.SYNC_TOKEN?.trim();
  if (!expected) throw new HTTPException(404, { message: 'not found' });
  const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
  if (!(await timingSafeEqual(given, expected))) {
    throw new HTTPException(401, { message: 'missing or wrong bearer token (SYNC_TOKEN)', res: new Response(null, { headers: { 'WWW-Authenticate': 'Bearer' } }) });
  }
  await next();
});
admin.use('*', requireJson());

const routes = admin
  .post('/sync', validate('json', SyncRequest), async (c) => {
    const { resource, startingAfter } = c.req.valid('json');
    const page = await withStripe(c.env, (stripe) => syncPage(stripe, resource, startingAfter ?? undefined, handlerContext(c)));
    return c.json({ synced: page.count, hasMore: page.hasMore, next: page.next } satisfies SyncResponse);
  })
  .post('/replay', validate('json', ReplayRequest), async (c) => {
    const { startingAfter } = c.req.valid('json');
    const page = await withStripe(c.env, (stripe) => replayPage(stripe, startingAfter ?? undefined, handlerContext(c)));
    return c.json({ replayed: page.replayed, skipped: page.skipped, hasMore: page.hasMore, next: page.next } satisfies ReplayResponse);
  })
  // The seller's licence keys for a pool product; each is given to one order, once.
  .post('/licence-keys', validate('json', LicenceKeysRequest), async (c) => {
    const { product: productId, keys } = c.req.valid('json');
    const product = findProduct(productId);
    if (!product) throw new HTTPException(400, { message: `product ${productId} is not in the catalog` });
    if (product.licence !== 'pool') throw new HTTPException(400, { message: `product ${productId} does not take licence keys from a pool (catalog.json "licence": "pool")` });
    const result = await addPoolKeys(c.env.DB, product.id, [...new Set(keys)], c.var.deps.now());
    return c.json(result satisfies LicenceKeysResponse);
  });
export type AdminRoutes = typeof routes;

/** Stripe's rate limit becomes a 429 with Retry-After, which the CLI backs off on; other Stripe errors a 502. */
async function withStripe<T>(env: AppEnv['Bindings'], work: (stripe: Stripe) => Promise<T>): Promise<T> {
  const stripe = await stripeClient(env);
  if (!stripe) throw new HTTPException(503, { message: 'STRIPE_SECRET_KEY is not configured' });
  try {
    return await work(stripe);
  } catch (error) {
    if (isStripeError(error) && error.statusCode === 429) {
      throw new HTTPException(429, { message: 'Stripe rate limit; retry later', res: new Response(null, { headers: { 'Retry-After': '1' } }) });
    }
    if (isStripeError(error)) throw new HTTPException(502, { message: `Stripe: ${stripeErrorMessage(error)}` });
    throw error;
  }
}
