// The outbox consumer: carries out rows' side effects after their batch committed.
// Rows are exactly-once as far as the outbox goes (one per order and kind); towards
// the outside world each is at-least-once, with the order id as idempotency key.
// A whole queue batch costs a constant number of D1 round trips, however many rows it
// holds: one batch claims the rows and reads their orders, one records the outcomes
// (plus one when a licence pool was empty at fulfilment, one when a catalog is rebuilt).
import { findProduct, type Product } from '../../catalog';
import { REVOKES_ACCESS, servesAccess } from '../../contract/order-states';
import { refreshCatalog } from '../storefront/live-catalog';
import type { Env } from '../platform/env';
import type { SellerHooks } from '../seller-hooks';
import { renewalPeriod } from '../delivery/renewals';
import type { RenewalPeriod } from '../store/subscription-periods';
import { assignWaitingPoolKeys } from '../delivery/licences';
import { deliverable, orderDelivery, type Deliverable } from '../delivery/order-delivery';
import { storedContents } from '../delivery/order-products';
import type { OrderRecord } from '../store/order-records';
import { claimDueRows, saveOutboxResults, type OutboxResult, type OutboxRow } from '../store/outbox';
import { PermanentEmailFailure } from '../email/provider';
import { sendEmailRow } from '../email/send';

/** What carrying rows out needs besides the bindings: the seller's side-effect hooks and the clock. */
export type OutboxDeps = Pick<SellerHooks, 'deliver' | 'revoke'> & { now: () => number };

/** After this many failed attempts a row is dead: kept, logged and shown to the seller, not retried. */
export const MAX_OUTBOX_ATTEMPTS = 8;

export type Attempt = { outcome: 'done' | 'skipped' } | { outcome: 'retry'; delaySeconds: number; error: string } | { outcome: 'dead'; error: string };

/** Backoff between attempts: 10 s, 20 s, 40 s … capped at one hour. */
export const retryDelaySeconds = (attempts: number) => Math.min(10 * 2 ** (attempts - 1), 3600);

/** One row, as the batch below (the sweeper without a queue, tests). */
export async function carryOut(outboxId: number, env: Env, deps: OutboxDeps): Promise<Attempt> {
  return (await carryOutAll([outboxId], env, deps)).get(outboxId) ?? { outcome: 'skipped' };
}

/** The outcome for each of `outboxIds`: done, skipped (done, dead or gone already), retry (failed, or not due yet) or dead. */
export async function carryOutAll(outboxIds: number[], env: Env, deps: OutboxDeps): Promise<Map<number, Attempt>> {
  const ids = [...new Set(outboxIds)];
  const now = deps.now();
  const { rows, notDue, records } = await claimDueRows(env.DB, ids, now);
  const attempts = new Map<number, Attempt>();
  // Early (a catalog window still open, a retry's delay not over): not an attempt, come back when due.
  for (const { id, dueAt } of notDue) {
    attempts.set(id, { outcome: 'retry', delaySeconds: Math.max(1, Math.ceil((dueAt - now) / 1000)), error: 'not due yet' });
  }
  if (rows.length > 0) {
    const { orders, slugs } = records;
    const work = rows.map((row) => ({ row, ...workOf(row, orders.get(orderIdOf(row)), slugs, env, now) }));
    await assignWaitingPoolKeys(
      env.DB,
      work.flatMap(({ row, record, served }) => ((row.kind === 'delivered' || row.kind === 'email') && record ? [{ record, products: served.products, units: served.units }] : [])),
      now,
    );
    // However many windows a batch holds, the snapshot is rebuilt once: each sees every change up to now.
    const catalogRebuild = rows.some((row) => row.kind === 'catalog') ? refreshCatalog(env).then(() => undefined) : undefined;
    const failures = await Promise.all(work.map(({ row, record, products, served }) => failureOf(() => perform(row, record, products, served, catalogRebuild, env, deps))));
    const results = rows.map((row, index) => resultOf(row, failures[index] ?? null, now));
    await saveOutboxResults(env.DB, results, deps.now());
    for (const result of results) attempts.set(result.id, attemptOf(result, now));
  }
  for (const id of ids) if (!attempts.has(id)) attempts.set(id, { outcome: 'skipped' });
  return attempts;
}

/** The order a row is about: its subject, or for an email (and a renewal's delivery) the order its payload names. */
function orderIdOf(row: OutboxRow): string {
  if (row.kind !== 'email' && row.payload === null) return row.subject;
  const payload = JSON.parse(row.payload ?? '{}') as { order?: string };
  return payload.order ?? '';
}

/** The renewal a delivery row is about: its payload's `period` (the invoice), among the order's paid renewals. */
function renewalOf(row: OutboxRow, record: OrderRecord): RenewalPeriod | undefined {
  if (row.payload === null) return undefined;
  const invoice = (JSON.parse(row.payload) as { period?: string }).period ?? '';
  const period = renewalPeriod(record, invoice);
  if (!period) throw new Error(`period ${invoice || '(none)'} of order ${record.order.id} is not recorded as paid`);
  return period;
}

/** `products`: what the order bought; `served`: what it delivers now (a subscription's only while in force). */
function workOf(row: OutboxRow, record: OrderRecord | undefined, slugs: ReadonlyMap<string, string>, env: Env, now: number) {
  if (row.kind === 'catalog' || !record) return { record, products: [], served: { products: [], units: new Map(), access: null } satisfies Deliverable };
  const contents = storedContents(record.order, record.lineItems, slugs);
  return { record, products: contents.products, served: deliverable(record, contents, env, now) };
}

type Failure = { error: string; final: boolean };

async function failureOf(attempt: () => Promise<void>): Promise<Failure | null> {
  try {
    await attempt();
    return null;
  } catch (error) {
    // A refusal no retry can change (no provider configured, an address the provider rejects) is final at once.
    return { error: error instanceof Error ? error.message : String(error), final: error instanceof PermanentEmailFailure };
  }
}

function resultOf(row: OutboxRow, failure: Failure | null, now: number): OutboxResult {
  if (failure === null) return { id: row.id, outcome: 'done' };
  const { error } = failure;
  const context = { id: row.id, kind: row.kind, subject: row.subject, attempts: row.attempts, error };
  if (failure.final || row.attempts >= MAX_OUTBOX_ATTEMPTS) {
    console.error(JSON.stringify({ msg: 'outbox row dead', ...context }));
    return { id: row.id, outcome: 'dead', error };
  }
  const delaySeconds = retryDelaySeconds(row.attempts);
  console.warn(JSON.stringify({ msg: 'outbox attempt failed', ...context, retryIn: delaySeconds }));
  return { id: row.id, outcome: 'retry', error, nextAttemptAt: now + delaySeconds * 1000 };
}

function attemptOf(result: OutboxResult, now: number): Attempt {
  if (result.outcome === 'retry') return { outcome: 'retry', delaySeconds: Math.round((result.nextAttemptAt - now) / 1000), error: result.error };
  return result;
}

async function perform(
  row: OutboxRow,
  record: OrderRecord | undefined,
  products: Product[],
  served: Deliverable,
  catalogRebuild: Promise<void> | undefined,
  env: Env,
  deps: OutboxDeps,
): Promise<void> {
  if (row.kind === 'catalog') {
    await catalogRebuild;
    return;
  }
  if (row.kind === 'email') {
    await sendEmailRow(row, record, served, env, deps.now());
    return;
  }
  if (!record) throw new Error(`order ${row.subject} not found`);
  const { order, lineItems } = record;
  const product = order.productId ? findProduct(order.productId) : undefined;
  if (row.kind === 'revoked') {
    if (!isRevocationReason(order.status)) throw new Error(`order ${order.id} is ${order.status}, not revoked`);
    await deps.revoke({ order, product, env, reason: order.status });
    return;
  }
  // A delivery queued before a refund landed is no longer owed.
  if (!servesAccess(order.status)) return;
  const period = renewalOf(row, record);
  const { downloads, licenceKeys } = await orderDelivery(record, served, env, deps.now());
  await deps.deliver({ order, product, products, lineItems, env, downloads, licenceKeys, ...(period ? { period } : {}) });
}

function isRevocationReason(status: string): status is (typeof REVOKES_ACCESS)[number] {
  return (REVOKES_ACCESS as readonly string[]).includes(status);
}
