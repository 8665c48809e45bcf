import { createApp, defaultDependencies } from './app';
import type { Env, OutboxMessage } from './platform/env';
import { consumeOutbox, sweepOutbox } from './outbox/consumer';

const deps = defaultDependencies();
const app = createApp(deps);

export default {
  fetch: app.fetch,
  // Side effects recorded in the outbox, carried out after the response.
  queue: (batch: MessageBatch<OutboxMessage>, env: Env) => consumeOutbox(batch, env, deps),
  // Re-sends outbox rows whose queue message was lost.
  scheduled: async (_controller: ScheduledController, env: Env, ctx: ExecutionContext) => {
    await sweepOutbox(env, deps, (promise) => ctx.waitUntil(promise));
  },
} satisfies ExportedHandler<Env, OutboxMessage>;
