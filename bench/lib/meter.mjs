// D1 per purchase, from D1's own result metadata (`meta.rows_read` / `meta.rows_written`),
// counted inside our worker by bench/profile/worker.ts (the unchanged app and Queues
// consumer with a metering D1 binding): round trips, rows and time per paid webhook, per
// outbox delivery after the response, and per order lookup from the success page; with the
// EVENTS queue (wrangler.toml's default), a webhook's commit is the events consumer's.
import http from 'node:http';
import { buildDeliveries, purchaseDeliveries, WEBHOOK_SECRET } from './events.mjs';
import { measureWorkerdCpu } from './cpu.mjs';
import { applyMigrations, oursOptions, sendAll, startMiniflare, summarize } from './load.mjs';

/**
 * @typedef {{ count: number, totalMs: number, roundTrips: number, rowsRead: number, rowsWritten: number,
 *   statements: Record<string, { calls: number, totalMs: number, maxMs: number }> }} Scope
 */

/** The meter inside a running profile bundle. */
export function meterOf(url) {
  const endpoint = new URL('/api/__bench/d1', url);
  return {
    /** @returns {Promise<{ fetch: Scope, events: Scope, queue: Scope }>} */
    read: async () => (await fetch(endpoint)).json(),
    reset: async () => void (await (await fetch(endpoint, { method: 'DELETE' })).arrayBuffer()),
  };
}

/** The database's size in bytes, as D1 reports it after a query. */
export async function databaseBytes(mf) {
  const db = await mf.getD1Database('DB');
  const { meta } = await db.prepare('SELECT 1').all();
  return meta.size_after;
}

/** Waits until no outbox row is pending (done, or dead: no email provider here), or `timeoutMs` passes; returns how many still are. */
export async function drainOutbox(mf, timeoutMs = 20_000) {
  const db = await mf.getD1Database('DB');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = /** @type {{ n: number }} */ (await db.prepare(`SELECT count(*) AS n FROM outbox WHERE status = 'pending'`).first());
    if (row.n === 0 || Date.now() > deadline) return row.n;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Per-operation view of a scope. */
export function perOperation(scope, operations = scope.count) {
  return {
    operations,
    roundTrips: scope.roundTrips / operations,
    rowsRead: scope.rowsRead / operations,
    rowsWritten: scope.rowsWritten / operations,
    msInWorker: scope.totalMs / operations,
    sqlMs: scope.sqlMs / operations,
    statements: Object.entries(scope.statements).map(([statement, s]) => ({
      statement,
      perOperation: s.calls / operations,
      meanMs: s.totalMs / s.calls,
      maxMs: s.maxMs,
    })),
  };
}

/** Waits until the ledger holds each of `eventIds` processed (or `timeoutMs` passes); returns how many are not. */
export async function drainEvents(mf, eventIds, timeoutMs = 20_000) {
  const db = await mf.getD1Database('DB');
  const ids = JSON.stringify(eventIds);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = /** @type {{ n: number }} */ (
      await db.prepare(`SELECT count(*) AS n FROM stripe_events WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'processed'`).bind(ids).first()
    );
    const left = eventIds.length - row.n;
    if (left === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Bytes of the events' payloads still in the ledger: what clearing them after retention gives back. */
async function payloadBytes(mf, eventIds) {
  const db = await mf.getD1Database('DB');
  const row = /** @type {{ n: number }} */ (
    await db.prepare('SELECT coalesce(sum(length(payload)), 0) AS n FROM stripe_events WHERE id IN (SELECT value FROM json_each(?1))').bind(JSON.stringify(eventIds)).first()
  );
  return row.n;
}

/** D1 batch calls (commits) among a scope's statements. */
const commitsOf = (scope) => Object.entries(scope.statements).reduce((sum, [statement, s]) => sum + (statement.startsWith('batch') ? s.calls : 0), 0);

/**
 * `purchases` purchases one at a time, each the webhooks Stripe sends for it (customer.created,
 * checkout.session.completed), committed by the EVENTS consumer as wrangler.toml sets it up (queue
 * mode), its outbox delivery carried out by the outbox consumer, then one order lookup as the
 * success page makes it. Also the database bytes each purchase adds (with its events' payloads,
 * and without them, as after LEDGER_PAYLOAD_RETENTION_DAYS) and the workerd CPU it costs. Then a
 * burst at `concurrency` connections: D1 commits per webhook under load.
 * @param {{ scriptPath: string, compatibilityDate: string }} bundle the profile bundle
 */
export async function meterPurchases(bundle, { purchases, warmup, burst, concurrency }) {
  const { base, vars } = await oursOptions();
  const worker = await startMiniflare(bundle, { ...vars, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }, { delivered: '"msg":"order delivered"' }, { base });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const meter = meterOf(worker.url);
  try {
    await applyMigrations(worker.mf);
    const warm = Array.from({ length: warmup }, purchaseDeliveries).flat();
    await sendAll(worker.url, warm, { concurrency: 1, agent });
    await drainEvents(worker.mf, warm.map((d) => d.eventId));
    await drainOutbox(worker.mf);
    await meter.reset();
    const bytesBefore = await databaseBytes(worker.mf);

    const deliveries = Array.from({ length: purchases }, purchaseDeliveries).flat();
    const eventIds = deliveries.map((d) => d.eventId);
    const sessions = deliveries.filter((d) => d.sessionId);
    const cpu = measureWorkerdCpu();
    const load = summarize(await sendAll(worker.url, deliveries, { concurrency: 1, agent }));
    const uncommitted = await drainEvents(worker.mf, eventIds);
    const undelivered = await drainOutbox(worker.mf);
    const cpuMs = cpu.stop();
    const paid = await meter.read();
    const bytesAfter = await databaseBytes(worker.mf);
    const payloads = await payloadBytes(worker.mf, eventIds);

    await meter.reset();
    const lookupStatuses = {};
    for (const { sessionId } of sessions) {
      const response = await fetch(new URL(`/api/orders/${sessionId}`, worker.url));
      await response.arrayBuffer();
      lookupStatuses[response.status] = (lookupStatuses[response.status] ?? 0) + 1;
    }
    const lookups = await meter.read();

    // D1 commits per webhook under load: the burst's webhooks, their group commits and deliveries.
    await meter.reset();
    const burstAgent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const burstDeliveries = buildDeliveries(burst);
    const burstLoad = summarize(await sendAll(worker.url, burstDeliveries, { concurrency, agent: burstAgent }));
    burstAgent.destroy();
    const burstUncommitted = await drainEvents(worker.mf, burstDeliveries.map((d) => d.eventId));
    const underLoad = await meter.read();

    const rowsWritten = paid.fetch.rowsWritten + paid.events.rowsWritten + paid.queue.rowsWritten;
    return {
      purchases,
      webhooksPerPurchase: deliveries.length / purchases,
      errors: load.errors,
      uncommitted,
      undelivered,
      p50Ms: load.p50Ms,
      webhook: perOperation(paid.fetch, purchases),
      events: perOperation(paid.events, purchases),
      outbox: perOperation(paid.queue, purchases),
      rowsWrittenPerPurchase: rowsWritten / purchases,
      queueMessages: paid.events.count + paid.queue.count,
      orderLookup: { ...perOperation(lookups.fetch), statuses: lookupStatuses },
      bytesPerPurchase: (bytesAfter - bytesBefore) / purchases,
      payloadBytesPerPurchase: payloads / purchases,
      keptBytesPerPurchase: (bytesAfter - bytesBefore - payloads) / purchases,
      cpuMsPerPurchase: cpuMs / purchases,
      deliverHookCalls: worker.log.counts.delivered,
      underLoad: {
        concurrency,
        requests: burst,
        uncommitted: burstUncommitted,
        perSecond: burstLoad.perSecond,
        p50Ms: burstLoad.p50Ms,
        webhook: perOperation(underLoad.fetch, burst),
        events: perOperation(underLoad.events, burst),
        commitsPerWebhook: (commitsOf(underLoad.fetch) + commitsOf(underLoad.events)) / burst,
        eventBatches: commitsOf(underLoad.events),
        outboxDeliveriesMeanwhile: underLoad.queue.count,
        outboxMsMeanwhile: underLoad.queue.totalMs,
      },
    };
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}
