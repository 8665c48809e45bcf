import { createApp, defaultDependencies } from './app';
import type { Env, OutboxMessage } from './platform/env';
import { consumeOutbox, sweepOutbox } from './outbox/consumer';
import { reconcileIfDue } from './admin/reconcile';
import { watchAlerts } from './admin/alerts';
import { stripeClient } from './stripe/client';

const deps = defaultDependencies();
const app = createApp(deps);

export default {
  fetch: app.fetch,
  // Side effects recorded in the outbox, carried out after the response.
  queue: (batch: MessageBatch<OutboxMessage>, env: Env) => consumeOutbox(batch, env, deps),
  // Re-sends outbox rows whose queue message was lost; reconciles with Stripe when due (daily by default).
  scheduled: async (_controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    const waitUntil = (promise: Promise<unknown>) => ctx.waitUntil(promise);
    await sweepOutbox(env, deps, waitUntil);
    const stripe = await stripeClient(env);
    const context = { ...deps, db: env.DB, env, waitUntil };
    await watchAlerts(context, stripe, await reconcileIfDue(stripe, context));
  },
} satisfies ExportedHandler<Env, OutboxMessage>;
