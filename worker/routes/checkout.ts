import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { createCheckout, parseCheckoutRequest } from '../checkout/create';
import { commaSeparated } from '../config';
import type { AppEnv } from '../env';
import { requireJson } from './require-json';

export const checkout = new Hono<AppEnv>();

checkout.post(
  '/',
  requireJson(),
  bodyLimit({
    maxSize: 16 * 1024,
    onError: () => {
      throw new HTTPException(413, { message: 'checkout request larger than 16 KiB' });
    },
  }),
  async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new HTTPException(400, { message: 'body is not valid JSON' });
    }
    const request = parseCheckoutRequest(body);
    return c.json(await createCheckout(c.env, request, siteOrigin(c.req.raw, c.env.ALLOWED_ORIGINS)));
  },
);

/** Stripe sends the buyer back to the site that sent them: this worker's origin, or an allowed Pages origin. */
function siteOrigin(request: Request, allowed: string | undefined): string {
  const origin = request.headers.get('origin');
  return origin && commaSeparated(allowed).includes(origin) ? origin : new URL(request.url).origin;
}
