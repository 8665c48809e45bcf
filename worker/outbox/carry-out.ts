// The outbox consumer: carries out one row's side effect after its batch committed.
// Rows are exactly-once as far as the outbox goes (one per order and kind); towards
// the outside world each is at-least-once, with the order id as idempotency key.
import { findProduct } from '../../catalog';
import { refreshCatalog } from '../live-catalog';
import type { Env } from '../env';
import type { Dependencies } from '../dependencies';
import { orderDelivery } from '../delivery/order-delivery';
import { contentsOfStored } from '../orders/line-items';
import { findLineItems, findOrder } from '../store/orders';
import { markDead, markDone, markRetry, pendingDueAt, startAttempt, type OutboxRow } from '../store/outbox';

/** After this many failed attempts a row is dead: kept, logged and shown to the seller, not retried. */
export const MAX_OUTBOX_ATTEMPTS = 8;

export type Attempt = { outcome: 'done' | 'skipped' } | { outcome: 'retry'; delaySeconds: number; error: string } | { outcome: 'dead'; error: string };

/** Backoff between attempts: 10 s, 20 s, 40 s … capped at one hour. */
export const retryDelaySeconds = (attempts: number) => Math.min(10 * 2 ** (attempts - 1), 3600);

export async function carryOut(outboxId: number, env: Env, deps: Dependencies): Promise<Attempt> {
  const row = await startAttempt(env.DB, outboxId, deps.now());
  if (!row) {
    // Early (a catalog window still open, a retry's delay not over): not an attempt, come back when due.
    const dueAt = await pendingDueAt(env.DB, outboxId);
    if (dueAt === null) return { outcome: 'skipped' };
    return { outcome: 'retry', delaySeconds: Math.max(1, Math.ceil((dueAt - deps.now()) / 1000)), error: 'not due yet' };
  }
  try {
    await perform(row, env, deps);
    await markDone(env.DB, row.id, deps.now());
    return { outcome: 'done' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (row.attempts >= MAX_OUTBOX_ATTEMPTS) {
      console.error(JSON.stringify({ msg: 'outbox row dead', id: row.id, kind: row.kind, subject: row.subject, attempts: row.attempts, error: message }));
      await markDead(env.DB, row.id, message);
      return { outcome: 'dead', error: message };
    }
    const delaySeconds = retryDelaySeconds(row.attempts);
    console.warn(JSON.stringify({ msg: 'outbox attempt failed', id: row.id, kind: row.kind, subject: row.subject, attempts: row.attempts, retryIn: delaySeconds, error: message }));
    await markRetry(env.DB, row.id, message, deps.now() + delaySeconds * 1000);
    return { outcome: 'retry', delaySeconds, error: message };
  }
}

async function perform(row: OutboxRow, env: Env, deps: Dependencies): Promise<void> {
  if (row.kind === 'catalog') {
    await refreshCatalog(env);
    return;
  }
  const order = await findOrder(env.DB, row.subject);
  if (!order) throw new Error(`order ${row.subject} not found`);
  const product = order.productId ? findProduct(order.productId) : undefined;
  if (row.kind === 'revoked') {
    if (order.status !== 'refunded' && order.status !== 'disputed') throw new Error(`order ${order.id} is ${order.status}, not revoked`);
    await deps.revoke({ order, product, env, reason: order.status });
    return;
  }
  // A delivery queued before a refund landed is no longer owed.
  if (order.status !== 'fulfilled') return;
  const lineItems = await findLineItems(env.DB, order.id);
  const [products, delivery] = await Promise.all([contentsOfStored(order, lineItems, env.DB), orderDelivery(order, lineItems, env, deps.now())]);
  await deps.deliver({ order, product, products, lineItems, env, ...delivery });
}
