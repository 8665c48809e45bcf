import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { timingSafeEqual } from 'hono/utils/buffer';
import type Stripe from 'stripe';
import type { AppEnv } from '../env';
import { isStripeError, stripeClient, stripeErrorMessage } from '../stripe/client';
import { replayPage, SYNC_RESOURCES, syncPage, type SyncResource } from '../sync/backfill';
import { handlerContext } from './context';
import { requireJson } from './require-json';

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

admin.post('/sync', async (c) => {
  const { resource, startingAfter } = await jsonBody(c.req.raw);
  if (typeof resource !== 'string' || !SYNC_RESOURCES.includes(resource as SyncResource)) {
    throw new HTTPException(400, { message: `resource must be one of ${SYNC_RESOURCES.join(', ')}` });
  }
  const page = await withStripe(c.env, (stripe) => syncPage(stripe, resource as SyncResource, cursor(startingAfter), handlerContext(c)));
  return c.json({ synced: page.count, hasMore: page.hasMore, next: page.next });
});

admin.post('/replay', async (c) => {
  const { startingAfter } = await jsonBody(c.req.raw);
  const page = await withStripe(c.env, (stripe) => replayPage(stripe, cursor(startingAfter), handlerContext(c)));
  return c.json({ replayed: page.replayed, skipped: page.skipped, hasMore: page.hasMore, next: page.next });
});

async function jsonBody(request: Request): Promise<Record<string, unknown>> {
  try {
    const body: unknown = await request.json();
    if (typeof body === 'object' && body !== null) return body as Record<string, unknown>;
  } catch {
    // Falls through to the 400 below.
  }
  throw new HTTPException(400, { message: 'body must be a JSON object' });
}

function cursor(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9_]{1,255}$/.test(value)) throw new HTTPException(400, { message: 'startingAfter must be a Stripe object id' });
  return value;
}

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
