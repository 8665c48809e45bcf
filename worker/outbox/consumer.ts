// The Queues consumer and the sweeper that backs it up (worker/index.ts wires both).
import type { Env, OutboxMessage } from '../platform/env';
import { overduePending } from '../store/outbox';
import { carryOutAll, type OutboxDeps } from './carry-out';
import { enqueueOutbox } from '../store/commit';

export async function consumeOutbox(batch: MessageBatch<OutboxMessage>, env: Env, deps: OutboxDeps): Promise<void> {
  const attempts = await carryOutAll(
    batch.messages.map((message) => message.body.outboxId),
    env,
    deps,
  );
  for (const message of batch.messages) {
    const attempt = attempts.get(message.body.outboxId);
    if (attempt?.outcome === 'retry') message.retry({ delaySeconds: attempt.delaySeconds });
    else message.ack();
  }
}

/** Rows whose queue message was lost (a failed send, a worker that died) wait at most this long past their due time. */
export const SWEEP_GRACE_MS = 60_000;

/** Re-queues overdue pending rows; without a queue binding, carries them out itself. */
export async function sweepOutbox(env: Env, deps: OutboxDeps, waitUntil: (promise: Promise<unknown>) => void): Promise<number> {
  const rows = await overduePending(env.DB, deps.now(), SWEEP_GRACE_MS);
  if (env.OUTBOX) enqueueOutbox({ env, now: deps.now, waitUntil }, rows);
  else if (rows.length > 0) await carryOutAll(rows.map((row) => row.id), env, deps);
  return rows.length;
}
