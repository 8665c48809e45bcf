// D1 per purchase, from D1's own result metadata (`meta.rows_read` / `meta.rows_written`),
// counted inside our worker by bench/profile/worker.ts (the unchanged app and Queues
// consumer with a metering D1 binding): round trips, rows and time per paid webhook, per
// outbox delivery after the response, and per order lookup from the success page.
import http from 'node:http';
import { buildDeliveries, WEBHOOK_SECRET } from './events.mjs';
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
    /** @returns {Promise<{ fetch: Scope, queue: Scope }>} */
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

/** Waits until every outbox row is done (or `timeoutMs` passes); returns how many are not. */
export async function drainOutbox(mf, timeoutMs = 20_000) {
  const db = await mf.getD1Database('DB');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = /** @type {{ n: number }} */ (await db.prepare(`SELECT count(*) AS n FROM outbox WHERE status <> 'done'`).first());
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

/**
 * `purchases` paid checkouts, one at a time: each a signed checkout.session.completed, its
 * outbox delivery carried out by the queue consumer, then one order lookup as the success page
 * makes it. Also the database bytes each purchase adds and the workerd CPU it costs.
 * @param {{ scriptPath: string, compatibilityDate: string }} bundle the profile bundle
 */
export async function meterPurchases(bundle, { purchases, warmup, burst, concurrency }) {
  const { base, vars } = await oursOptions();
  const worker = await startMiniflare(bundle, { ...vars, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET }, { delivered: '"msg":"order delivered"' }, { base });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const meter = meterOf(worker.url);
  try {
    await applyMigrations(worker.mf);
    await sendAll(worker.url, buildDeliveries(warmup), { concurrency: 1, agent });
    await drainOutbox(worker.mf);
    await meter.reset();
    const bytesBefore = await databaseBytes(worker.mf);

    const deliveries = buildDeliveries(purchases);
    const cpu = measureWorkerdCpu();
    const load = summarize(await sendAll(worker.url, deliveries, { concurrency: 1, agent }));
    const undelivered = await drainOutbox(worker.mf);
    const cpuMs = cpu.stop();
    const paid = await meter.read();

    await meter.reset();
    const lookupStatuses = {};
    for (const { sessionId } of deliveries) {
      const response = await fetch(new URL(`/api/orders/${sessionId}`, worker.url));
      await response.arrayBuffer();
      lookupStatuses[response.status] = (lookupStatuses[response.status] ?? 0) + 1;
    }
    const lookups = await meter.read();
    const bytesAfter = await databaseBytes(worker.mf);

    // Where a webhook's time goes under load: the same metering at the load's concurrency.
    await drainOutbox(worker.mf);
    await meter.reset();
    const burstAgent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const burstLoad = summarize(await sendAll(worker.url, buildDeliveries(burst), { concurrency, agent: burstAgent }));
    burstAgent.destroy();
    const underLoad = await meter.read();

    return {
      purchases,
      errors: load.errors,
      undelivered,
      p50Ms: load.p50Ms,
      webhook: perOperation(paid.fetch),
      outbox: perOperation(paid.queue, purchases),
      queueMessages: paid.queue.count,
      orderLookup: { ...perOperation(lookups.fetch), statuses: lookupStatuses },
      bytesPerPurchase: (bytesAfter - bytesBefore) / purchases,
      cpuMsPerPurchase: cpuMs / purchases,
      deliverHookCalls: worker.log.counts.delivered,
      underLoad: {
        concurrency,
        requests: burst,
        perSecond: burstLoad.perSecond,
        p50Ms: burstLoad.p50Ms,
        webhook: perOperation(underLoad.fetch),
        outboxDeliveriesMeanwhile: underLoad.queue.count,
        outboxMsMeanwhile: underLoad.queue.totalMs,
      },
    };
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}
