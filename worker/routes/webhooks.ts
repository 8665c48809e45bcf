// POST /webhooks/stripe: Stripe's deliveries. HTTP only: the body's size and method here,
// everything else in events/receive.ts.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { receiveWebhook } from '../events/receive';
import type { AppEnv } from '../http/app-env';
import { handlerContext } from '../http/context';

/** Stripe's own events stay far below this; anything larger is not from Stripe. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export const webhooks = new Hono<AppEnv>()
  .post(
    '/stripe',
    bodyLimit({
      maxSize: MAX_WEBHOOK_BYTES,
      onError: () => {
        throw new HTTPException(413, { message: `payload larger than ${MAX_WEBHOOK_BYTES} bytes` });
      },
    }),
    async (c) => {
      const payload = new Uint8Array(await c.req.arrayBuffer());
      const outcome = await receiveWebhook(payload, c.req.header('stripe-signature'), handlerContext(c));
      return c.json(outcome.body, outcome.status);
    },
  )
  .all('/stripe', () => {
    throw new HTTPException(405, { message: 'method not allowed: Stripe sends webhooks with POST', res: new Response(null, { headers: { Allow: 'POST' } }) });
  });
