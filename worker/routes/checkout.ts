import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { CheckoutRequest, type CheckoutResponse } from '../../contract/api';
import { MAX_CHECKOUT_BODY_BYTES } from '../../contract/limits';
import { createCheckout } from '../checkout/sessions';
import { commaSeparated } from '../platform/config';
import type { AppEnv } from '../http/app-env';
import { requireJson } from '../http/require-json';
import { validate } from '../http/validate';

export const checkout = new Hono<AppEnv>().post(
  '/',
  bodyLimit({
    maxSize: MAX_CHECKOUT_BODY_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: `checkout request larger than ${MAX_CHECKOUT_BODY_BYTES / 1024} KiB` });
    },
  }),
  requireJson(),
  validate('json', CheckoutRequest),
  async (c) => {
    const request = c.req.valid('json');
    const answer: CheckoutResponse = await createCheckout(c.env, { ...request, email: request.email ?? null }, siteOrigin(c.req.raw, c.env.ALLOWED_ORIGINS));
    return c.json(answer, 200);
  },
);

/** Stripe sends the buyer back to the site that sent them: this worker's origin, or an allowed Pages origin. */
export function siteOrigin(request: Request, allowed: string | undefined): string {
  const origin = request.headers.get('origin');
  return origin && commaSeparated(allowed).includes(origin) ? origin : new URL(request.url).origin;
}
