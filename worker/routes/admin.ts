import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type Stripe from 'stripe';
import type { AppEnv } from '../dependencies';
import { adminAccess, sameOriginOnly, type AdminEnv } from './admin-access';
import { isStripeError, stripeClient, stripeErrorMessage } from '../stripe/client';
import { ReplayRequest, SyncRequest, type ReplayResponse, type SyncResponse } from '../../contract/api';
import { replayPage, syncPage } from '../sync/backfill';
import { handlerContext } from './context';
import { requireJson } from './require-json';
import { validate } from './validate';

export const admin = new Hono<AdminEnv>();

// Who may enter first (a stranger learns nothing, not even what a body should be), then
// where a state-changing call comes from, then its body.
admin.use('*', adminAccess());
admin.use('*', sameOriginOnly());
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
