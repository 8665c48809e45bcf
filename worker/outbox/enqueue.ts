import type { Env, OutboxMessage } from '../env';
import type { NewOutboxRow } from '../store/outbox';

interface Sender {
  env: Env;
  now: () => number;
  waitUntil: (promise: Promise<unknown>) => void;
}

/**
 * Queues new outbox rows after their batch committed, without holding the response.
 * A send that fails is not lost: the row stays pending and the sweeper re-sends it.
 */
export function enqueueOutbox({ env, now, waitUntil }: Sender, rows: NewOutboxRow[]): void {
  if (rows.length === 0 || !env.OUTBOX) return;
  const at = now();
  const messages: MessageSendRequest<OutboxMessage>[] = rows.map(({ id, dueAt }) => ({
    body: { outboxId: id },
    contentType: 'json',
    ...(dueAt > at ? { delaySeconds: Math.ceil((dueAt - at) / 1000) } : {}),
  }));
  const ids = rows.map((row) => row.id);
  waitUntil(
    env.OUTBOX.sendBatch(messages).catch((error: unknown) =>
      console.warn(JSON.stringify({ msg: 'outbox rows not queued; the sweeper will send them', ids, error: String(error) })),
    ),
  );
}
