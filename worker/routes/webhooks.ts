import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { commaSeparated } from '../platform/config';
import type { AppEnv } from '../http/app-env';
import { receiveEvent } from '../events/receive';
import { handlerContext } from '../http/context';
import { decodeEvent } from '../stripe/event';
import { verifySignature } from '../stripe/signature';

/** Stripe's own events stay far below this; anything larger is not from Stripe. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export const webhooks = new Hono<AppEnv>();

webhooks.post(
  '/stripe',
  bodyLimit({
    maxSize: MAX_WEBHOOK_BYTES,
    onError: () => {
      throw new HTTPException(413, { message: `payload larger than ${MAX_WEBHOOK_BYTES} bytes` });
    },
  }),
  async (c) => {
    const secrets = commaSeparated(c.env.STRIPE_WEBHOOK_SECRET);
    if (secrets.length === 0) {
      // 500, not 400: the event is fine and Stripe should retry once the secret is set.
      throw new HTTPException(500, { message: 'STRIPE_WEBHOOK_SECRET is not configured' });
    }
    const payload = new Uint8Array(await c.req.arrayBuffer());
    const verdict = await verifySignature({
      payload,
      header: c.req.header('stripe-signature'),
      secrets,
      nowSeconds: Math.floor(c.var.deps.now() / 1000),
    });
    if (!verdict.ok) throw new HTTPException(400, { message: verdict.reason });

    const body = new TextDecoder().decode(payload);
    const decoded = decodeEvent(body);
    if (!decoded.ok) throw new HTTPException(400, { message: decoded.reason });

    const outcome = await receiveEvent(decoded.event, body, handlerContext(c));
    return c.json(outcome.body, outcome.status);
  },
);

webhooks.all('/stripe', () => {
  throw new HTTPException(405, { message: 'method not allowed: Stripe sends webhooks with POST', res: new Response(null, { headers: { Allow: 'POST' } }) });
});
