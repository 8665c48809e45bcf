// Benchmark peer: "a naive durable peer" (issue 12). Hono's Stripe webhook example
// (bench/reference/worker.ts, https://hono.dev/examples/stripe-webhook) plus what webhook
// tutorials add to make it durable, written the way they write it: record the event in
// D1, check it is new, then record the order, one awaited statement after the other.
//
// That is what a reader of the docs and a tutorial would deploy. Compared with ours it
// makes two D1 round trips per paid event instead of one batch, and its "check" is the
// primary key refusing a second insert (a duplicate delivery is answered 200 and skipped).
// It has none of our guarantees beyond that (no ordering guards, no outbox, no failed-event
// retry: an order insert that fails after the event insert loses the order).
import Stripe from 'stripe';
import { Hono } from 'hono';
import { env } from 'hono/adapter';

type Bindings = { DB: D1Database; STRIPE_SECRET_API_KEY: string; STRIPE_WEBHOOK_SECRET: string };

const app = new Hono<{ Bindings: Bindings }>();

app.post('/webhooks/stripe', async (context) => {
  const { STRIPE_SECRET_API_KEY, STRIPE_WEBHOOK_SECRET } = env<Bindings>(context);
  const stripe = new Stripe(STRIPE_SECRET_API_KEY);
  const signature = context.req.header('stripe-signature');
  try {
    if (!signature) {
      return context.text('', 400);
    }
    const body = await context.req.text();
    const event = await stripe.webhooks.constructEventAsync(body, signature, STRIPE_WEBHOOK_SECRET);

    // Idempotency: Stripe may deliver an event more than once.
    try {
      await context.env.DB.prepare('INSERT INTO events (id, type, created_at) VALUES (?, ?, ?)').bind(event.id, event.type, Date.now()).run();
    } catch (err) {
      if (err instanceof Error && err.message.includes('UNIQUE constraint failed')) {
        return context.text('', 200); // already processed
      }
      throw err;
    }

    switch (event.type) {
      case 'checkout.session.completed': {
        const session = event.data.object;
        if (session.payment_status === 'paid') {
          await context.env.DB.prepare('INSERT INTO orders (id, email, amount_total, currency, status, created_at) VALUES (?, ?, ?, ?, ?, ?)')
            .bind(session.id, session.customer_details?.email ?? null, session.amount_total, session.currency, 'paid', Date.now())
            .run();
        }
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
