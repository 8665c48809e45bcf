// Size probe only (built, never load-tested): the least of the `stripe` package a Worker
// needs to verify webhooks with the SDK — its webhook module and Web platform functions,
// without the `Stripe` client and its API resources. `stripe`'s package exports do not
// expose these modules, hence the relative paths; this shows how much of the reference
// bundle is the SDK's API surface rather than signature verification.
import { Hono } from 'hono';
import { createWebhooks } from '../../node_modules/stripe/esm/Webhooks.js';
import { WebPlatformFunctions } from '../../node_modules/stripe/esm/platform/WebPlatformFunctions.js';

const webhooks = createWebhooks(new WebPlatformFunctions());
const app = new Hono<{ Bindings: { STRIPE_WEBHOOK_SECRET: string } }>();

app.post('/webhooks/stripe', async (c) => {
  const signature = c.req.header('stripe-signature');
  if (!signature) return c.text('', 400);
  try {
    const event = await webhooks.constructEventAsync(await c.req.text(), signature, c.env.STRIPE_WEBHOOK_SECRET);
    switch (event.type) {
      default:
        break;
    }
    return c.text('', 200);
  } catch (err) {
    return c.text(`Webhook signature verification failed. ${err instanceof Error ? err.message : ''}`, 400);
  }
});

export default app;
