import { createApp, defaultDependencies } from './app';
import { consumeEvents, recordDeadLettered } from './events/consume';
import { QUEUES, type Env, type EventMessage, type OutboxMessage } from './platform/env';
import { consumeOutbox, sweepOutbox } from './outbox/consumer';
import { reconcileIfDue } from './admin/reconcile';
import { watchAlerts } from './admin/alerts';
import { stripeClient } from './stripe/client';
import { clearExpiredEventPayloads } from './events/retention';

const deps = defaultDependencies();
const app = createApp(deps);

export default {
  fetch: app.fetch,
  // Two queues, told apart by name: webhook events for their group commit (and their
  // dead letters), and the outbox's side effects, carried out after the commit.
  queue: async (batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext) => {
    const context = { ...deps, db: env.DB, env, waitUntil: (promise: Promise<unknown>) => ctx.waitUntil(promise) };
    switch (batch.queue) {
      case QUEUES.events:
        return consumeEvents(batch as MessageBatch<EventMessage>, context);
      case QUEUES.deadEvents:
        return recordDeadLettered(batch as MessageBatch<EventMessage>, context);
      default:
        return consumeOutbox(batch as MessageBatch<OutboxMessage>, env, deps);
    }
  },
  // Re-sends outbox rows whose queue message was lost; clears event payloads past retention;
  // reconciles with Stripe when due (daily by default).
  scheduled: async (_controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    const waitUntil = (promise: Promise<unknown>) => ctx.waitUntil(promise);
    await sweepOutbox(env, deps, waitUntil);
    const stripe = await stripeClient(env);
    const context = { ...deps, db: env.DB, env, waitUntil };
    await clearExpiredEventPayloads(context).catch((error: unknown) =>
      console.error(JSON.stringify({ msg: 'clearing event payloads failed; the next run tries again', error: String(error) })),
    );
    await watchAlerts(context, stripe, await reconcileIfDue(stripe, context));
  },
} satisfies ExportedHandler<Env, unknown>;
