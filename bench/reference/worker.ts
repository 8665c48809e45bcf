// Benchmark baseline: the Stripe webhook handler from Hono's documentation, kept as
// written there so the comparison is against what a reader of the docs would deploy.
//
// Source: https://hono.dev/examples/stripe-webhook
//   (https://github.com/honojs/website/blob/main/examples/stripe-webhook.md)
//
// Differences from the page, all needed to run it in the benchmark:
// - the route is `/webhooks/stripe` (the page uses `/webhook`) so that all three
//   benchmarked workers receive the same requests at the same URL;
// - the code reads `STRIPE_SECRET_API_KEY`, as on the page (whose `.dev.vars` section
//   calls the key `STRIPE_API_KEY`); bench/run.mjs binds both to the dummy
//   `sk_test_dummy`. The key is never used: verifying a webhook makes no API call.
// Everything else (a new Stripe client per request, the raw `c.req.text()` body,
// `constructEventAsync`, the switch on `event.type`, the empty 200 text answer, no
// storage) is the page's code.
import Stripe from 'stripe';
import { Hono } from 'hono';
import { env } from 'hono/adapter';

const app = new Hono();

app.post('/webhooks/stripe', async (context) => {
  const { STRIPE_SECRET_API_KEY, STRIPE_WEBHOOK_SECRET } = env<{ STRIPE_SECRET_API_KEY: string; STRIPE_WEBHOOK_SECRET: string }>(context);
  const stripe = new Stripe(STRIPE_SECRET_API_KEY);
  const signature = context.req.header('stripe-signature');
  try {
    if (!signature) {
      return context.text('', 400);
    }
    const body = await context.req.text();
    const event = await stripe.webhooks.constructEventAsync(body, signature, STRIPE_WEBHOOK_SECRET);
    switch (event.type) {
      case 'payment_intent.created': {
        console.log(event.data.object);
        break;
      }
      default:
        break;
    }
    return context.text('', 200);
  } catch (err) {
    const errorMessage = `⚠️  Webhook signature verification failed. ${err instanceof Error ? err.message : 'Internal server error'}`;
    console.log(errorMessage);
    return context.text(errorMessage, 400);
  }
});

export default app;
