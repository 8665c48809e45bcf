// Steps 2–3: one bundle at a time in workerd through Miniflare's API (not wrangler dev),
// on loopback, with a fresh D1; signed deliveries at a fixed concurrency over keep-alive.
import http from 'node:http';
import { closeSync, fdatasyncSync, openSync, readFileSync, readdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Miniflare } from 'miniflare';
import { REPO_ROOT } from './paths.mjs';
import { onCleanup, tempDir } from './proc.mjs';

/** Where the D1 file may live: the OS temp dir (a disk here), or tmpfs when asked and available. */
export const TMPFS_DIR = '/dev/shm';

const REQUEST_TIMEOUT_MS = 30_000;
/** The verifier gives up on the outbox when the consumer finished no delivery for this long. */
const DRAIN_STALL_MS = 15_000;

/** Keeps the last lines a worker printed and counts lines matching `count` patterns. */
class WorkerLog {
  /** @param {Record<string, string>} count name → substring */
  constructor(count = {}) {
    this.count = count;
    /** @type {Record<string, number>} */
    this.counts = Object.fromEntries(Object.keys(count).map((name) => [name, 0]));
    /** @type {string[]} */
    this.tail = [];
    this.lines = 0;
    this.partial = { out: '', err: '' };
  }

  /** @param {'out' | 'err'} stream @param {Buffer} chunk */
  write(stream, chunk) {
    const text = this.partial[stream] + chunk.toString('utf8');
    const lines = text.split('\n');
    this.partial[stream] = lines.pop() ?? '';
    for (const line of lines) {
      this.lines++;
      for (const [name, needle] of Object.entries(this.count)) if (line.includes(needle)) this.counts[name]++;
      this.tail.push(`[${stream}] ${line}`);
      if (this.tail.length > 40) this.tail.shift();
    }
  }
}

/**
 * Starts a bundle in workerd through Miniflare with a fresh persisted D1.
 * @param {{ scriptPath: string, compatibilityDate: string }} bundle
 * @param {Record<string, string>} bindings
 * @param {Record<string, string>} [logCounters]
 * @param {{ d1OnTmpfs?: boolean, base?: object }} [options] `base`: more Miniflare worker options (e.g. assets)
 */
export async function startMiniflare(bundle, bindings, logCounters = {}, { d1OnTmpfs = false, base = {} } = {}) {
  const log = new WorkerLog(logCounters);
  const mf = new Miniflare({
    ...base,
    scriptPath: bundle.scriptPath,
    // Module names are relative to modulesRoot; the bundle lives outside the cwd.
    modulesRoot: path.dirname(bundle.scriptPath),
    modules: true,
    compatibilityDate: bundle.compatibilityDate,
    d1Databases: ['DB'],
    d1Persist: tempDir('bench-d1-', d1OnTmpfs ? TMPFS_DIR : undefined),
    bindings,
    host: '127.0.0.1',
    port: 0,
    handleRuntimeStdio(stdout, stderr) {
      stdout.on('data', (chunk) => log.write('out', chunk));
      stderr.on('data', (chunk) => log.write('err', chunk));
    },
  });
  const unregister = onCleanup(() => mf.dispose());
  const url = await mf.ready;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error(`Miniflare is not on loopback: ${url.href}`);
  return {
    mf,
    url,
    log,
    async dispose() {
      unregister();
      await mf.dispose();
    },
  };
}

/**
 * Miniflare options for our worker as wrangler derives them from wrangler.toml: its KV
 * namespace, the outbox queue (producer and consumer, so side effects run after each
 * response as deployed) and, with `assets`, the built site. Cron triggers are left out
 * (Miniflare does not fire them on its own). Vars from wrangler.toml are returned apart:
 * the bench serves Stripe's test mode, where wrangler.toml says live.
 * @param {{ assets?: boolean }} [options]
 */
export async function oursOptions({ assets = false } = {}) {
  const { unstable_getMiniflareWorkerOptions: workerOptionsFor } = await import('wrangler');
  const { workerOptions } = workerOptionsFor(path.join(REPO_ROOT, 'wrangler.toml'));
  const { kvNamespaces, queueProducers, queueConsumers } = workerOptions;
  const base = { kvNamespaces, queueProducers, queueConsumers };
  if (assets) {
    if (!workerOptions.assets) throw new Error('wrangler.toml configures no [assets]');
    Object.assign(base, { assets: workerOptions.assets });
  }
  return { base, vars: { ...workerOptions.bindings, STRIPE_MODE: 'test' } };
}

/** Applies migrations/*.sql in name order, each file as one D1 batch (a transaction). */
export async function applyMigrations(mf) {
  const { unstable_splitSqlQuery: splitSqlQuery } = await import('wrangler');
  const db = await mf.getD1Database('DB');
  const dir = path.join(REPO_ROOT, 'migrations');
  const files = readdirSync(dir).filter((file) => file.endsWith('.sql')).sort();
  for (const file of files) {
    const statements = splitSqlQuery(readFileSync(path.join(dir, file), 'utf8'));
    if (statements.length > 0) await db.batch(statements.map((sql) => db.prepare(sql)));
  }
  return files;
}

/**
 * @typedef {{ elapsedMs: number, latenciesMs: number[], answeredAtMs: number[], errors: number, statuses: Record<string, number>, bodies: Record<string, number>, errorSamples: string[] }} LoadResult
 */

/**
 * Sends every delivery once, `concurrency` at a time over keep-alive connections.
 * @param {URL} base
 * @param {import('./events.mjs').Delivery[]} deliveries
 * @param {{ concurrency: number, agent: http.Agent }} options
 * @returns {Promise<LoadResult>}
 */
export async function sendAll(base, deliveries, { concurrency, agent }) {
  const url = new URL('/webhooks/stripe', base);
  const latenciesMs = new Array(deliveries.length);
  // Wall-clock time of each answer (Date.now(), the clock the worker stamps its commits with).
  const answeredAtMs = new Array(deliveries.length);
  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {Record<string, number>} */
  const bodies = {};
  const errorSamples = [];
  let errors = 0;
  let next = 0;

  async function lane() {
    for (;;) {
      const index = next++;
      if (index >= deliveries.length) return;
      const delivery = /** @type {import('./events.mjs').Delivery} */ (deliveries[index]);
      const started = performance.now();
      try {
        const { status, body } = await post(url, delivery, agent);
        latenciesMs[index] = performance.now() - started;
        answeredAtMs[index] = Date.now();
        statuses[status] = (statuses[status] ?? 0) + 1;
        const key = body.length > 120 ? `${body.slice(0, 117)}...` : body;
        if (key in bodies || Object.keys(bodies).length < 10) bodies[key] = (bodies[key] ?? 0) + 1;
        if (status < 200 || status > 299) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(`${status} ${key}`);
        }
      } catch (error) {
        latenciesMs[index] = performance.now() - started;
        errors++;
        statuses.network = (statuses.network ?? 0) + 1;
        if (errorSamples.length < 5) errorSamples.push(`network: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, deliveries.length) }, lane));
  const elapsedMs = performance.now() - started;
  return { elapsedMs, latenciesMs, answeredAtMs, errors, statuses, bodies, errorSamples };
}

/** One webhook delivery as Stripe makes it. @returns {Promise<{ status: number, body: string }>} */
export function post(url, delivery, agent) {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(delivery.body, 'utf8');
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'content-length': payload.length,
          'stripe-signature': delivery.header,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        timeout: REQUEST_TIMEOUT_MS,
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no response within ${REQUEST_TIMEOUT_MS} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * How long this disk takes to make a small write durable (4 KiB write + fdatasync, as a
 * SQLite commit does) in `dir`: every D1 call in Miniflare pays at least one of these.
 */
export function fsyncProbe(dir, count = 200) {
  const file = path.join(dir, `fsync-probe-${process.pid}.dat`);
  const fd = openSync(file, 'w');
  const block = Buffer.alloc(4096, 1);
  const times = [];
  try {
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      writeSync(fd, block, 0, block.length, (i % 8) * block.length);
      fdatasyncSync(fd);
      times.push(performance.now() - started);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return { dir, count, p50Ms: percentile(times, 50), p90Ms: percentile(times, 90) };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return /** @type {number} */ (sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]);
}

/** @param {LoadResult} result */
export function summarize(result) {
  const sorted = result.latenciesMs.filter((value) => typeof value === 'number').sort((a, b) => a - b);
  const count = result.latenciesMs.length;
  return {
    requests: count,
    seconds: result.elapsedMs / 1000,
    perSecond: count / (result.elapsedMs / 1000),
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? NaN,
    errors: result.errors,
    statuses: result.statuses,
    bodies: result.bodies,
    errorSamples: result.errorSamples,
  };
}

/**
 * Checks the ledger and the orders against exactly what was sent.
 * @param {Miniflare} mf
 * @param {import('./events.mjs').Delivery[]} sent
 * @param {WorkerLog} log
 * @param {{ consumer?: boolean, answeredAtMs?: Map<string, number> }} [options] `consumer: false`: no queue consumer ran; check
 *   that every delivery waits in the outbox instead. `answeredAtMs`: when each measured event's 200 arrived, for the time to its commit.
 */
export async function verifyLedger(mf, sent, log, { consumer = true, answeredAtMs } = {}) {
  const db = await mf.getD1Database('DB');
  const eventIds = new Set(sent.map((delivery) => delivery.eventId));
  const sessionIds = new Set(sent.map((delivery) => delivery.sessionId));
  const scalar = async (sql) => /** @type {{ n: number }} */ (await db.prepare(sql).first()).n;

  // In queue mode a 200 means queued: the events consumer commits after the responses. Wait for
  // it as long as it makes progress, then take each event's time from its 200 to its commit.
  const eventsDrain = await waitForProgress(() => scalar(`SELECT count(*) AS n FROM stripe_events WHERE status = 'processed'`), eventIds.size);
  const commitLatency = answeredAtMs ? await commitLatencies(db, answeredAtMs) : undefined;

  const ledgerRows = await scalar('SELECT count(*) AS n FROM stripe_events');
  const ledgerProcessed = await scalar(`SELECT count(*) AS n FROM stripe_events WHERE status = 'processed'`);
  const orderRows = await scalar('SELECT count(*) AS n FROM orders');
  const ordersFulfilled = await scalar(`SELECT count(*) AS n FROM orders WHERE status = 'fulfilled'`);
  const ordersComplete = await scalar(
    `SELECT count(*) AS n FROM orders WHERE status = 'fulfilled' AND fulfilled_at IS NOT NULL AND delivery_token IS NOT NULL
       AND product_id = 'field-notes' AND amount_total = 1200 AND currency = 'usd'`,
  );
  const distinctTokens = await scalar('SELECT count(DISTINCT delivery_token) AS n FROM orders');
  const processedIds = new Set((await db.prepare(`SELECT id FROM stripe_events WHERE status = 'processed'`).all()).results.map((row) => row.id));
  const fulfilledIds = (await db.prepare(`SELECT id FROM orders WHERE status = 'fulfilled'`).all()).results.map((row) => row.id);
  const missingEvents = [...eventIds].filter((id) => !processedIds.has(id)).length;
  const fulfilledSet = new Set(fulfilledIds);
  const missingOrders = [...sessionIds].filter((id) => !fulfilledSet.has(id)).length;

  // Deliveries run from the outbox queue after the responses: wait for the consumer to finish
  // them, for as long as it makes progress (a fixed deadline failed runs whose consumer was
  // merely behind on a busy machine), and for the hook's log lines, which arrive through
  // workerd's stdout a moment after the rows they report are marked done.
  const outboxDone = async () => scalar(`SELECT count(*) AS n FROM outbox WHERE kind = 'delivered' AND status = 'done'`);
  const drainStarted = Date.now();
  let deliveriesDone = await outboxDone();
  let lastProgress = Date.now();
  while (consumer && (deliveriesDone < sessionIds.size || (log.counts.delivered ?? 0) < deliveriesDone) && Date.now() - lastProgress < DRAIN_STALL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const done = await outboxDone();
    if (done > deliveriesDone) lastProgress = Date.now();
    deliveriesDone = done;
  }
  const drainMs = Date.now() - drainStarted;
  const deliveriesPending = await scalar(`SELECT count(*) AS n FROM outbox WHERE kind = 'delivered' AND status = 'pending'`);
  const hookCalls = log.counts.delivered ?? NaN;

  const checks = [
    { what: 'ledger rows = events sent', expected: eventIds.size, actual: ledgerRows },
    { what: `ledger rows with status 'processed'`, expected: eventIds.size, actual: ledgerProcessed },
    { what: 'sent events missing from processed ledger rows', expected: 0, actual: missingEvents },
    { what: 'order rows = distinct sessions sent', expected: sessionIds.size, actual: orderRows },
    { what: `orders with status 'fulfilled'`, expected: sessionIds.size, actual: ordersFulfilled },
    { what: 'fulfilled orders with fulfilled_at, delivery token, product, amount', expected: sessionIds.size, actual: ordersComplete },
    { what: 'distinct delivery tokens', expected: sessionIds.size, actual: distinctTokens },
    { what: 'sent sessions missing from fulfilled orders', expected: 0, actual: missingOrders },
    ...(consumer
      ? [
          { what: 'outbox deliveries done (queue consumer)', expected: sessionIds.size, actual: deliveriesDone },
          { what: 'deliver hook calls (worker log lines)', expected: sessionIds.size, actual: hookCalls },
        ]
      : [{ what: 'outbox deliveries pending (no consumer ran)', expected: sessionIds.size, actual: deliveriesPending }]),
  ];
  const ok = checks.every((check) => check.expected === check.actual);
  // On a mismatch, what the outbox holds: rows by kind, status and attempts, and the errors recorded.
  const outbox = ok
    ? undefined
    : {
        rows: (await db.prepare('SELECT kind, status, attempts, count(*) AS n FROM outbox GROUP BY kind, status, attempts').all()).results,
        errors: (await db.prepare('SELECT last_error AS error, count(*) AS n FROM outbox WHERE last_error IS NOT NULL GROUP BY last_error LIMIT 5').all()).results,
      };
  return { ok, events: eventIds.size, sessions: sessionIds.size, checks, drainMs, eventsDrainMs: eventsDrain.ms, commitLatency, outbox };
}

/** Polls `count` until it reaches `target` or stops growing for DRAIN_STALL_MS. */
async function waitForProgress(count, target) {
  const started = Date.now();
  let last = await count();
  let lastProgress = Date.now();
  while (last < target && Date.now() - lastProgress < DRAIN_STALL_MS) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = await count();
    if (now > last) lastProgress = Date.now();
    last = now;
  }
  return { reached: last, ms: Date.now() - started };
}

/**
 * Time from each event's 200 to its commit: the ledger's processed_at is stamped by the consumer
 * as it decides the batch, just before the batch's one D1 call, on this machine's clock.
 * @param {Map<string, number>} answeredAtMs event id → Date.now() when its 200 arrived
 */
export async function commitLatencies(db, answeredAtMs) {
  const ids = [...answeredAtMs.keys()];
  const processedAt = new Map();
  for (let i = 0; i < ids.length; i += 500) {
    const { results } = await db
      .prepare(`SELECT id, processed_at AS at FROM stripe_events WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'processed'`)
      .bind(JSON.stringify(ids.slice(i, i + 500)))
      .all();
    for (const row of results) processedAt.set(row.id, row.at);
  }
  return latencySummary(ids.map((id) => (processedAt.has(id) ? processedAt.get(id) - /** @type {number} */ (answeredAtMs.get(id)) : NaN)));
}

/** p50 / p99 / max of latencies in ms; NaN entries (never committed) are counted apart. */
export function latencySummary(latencies) {
  const committed = latencies.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  return { count: latencies.length, uncommitted: latencies.length - committed.length, p50Ms: percentile(committed, 50), p99Ms: percentile(committed, 99), maxMs: committed.at(-1) ?? NaN };
}

/** The naive peer's tables (bench/naive/schema.sql), as its tutorial applies them. */
export async function applyNaiveSchema(mf) {
  const { unstable_splitSqlQuery: splitSqlQuery } = await import('wrangler');
  const db = await mf.getD1Database('DB');
  const statements = splitSqlQuery(readFileSync(path.join(REPO_ROOT, 'bench', 'naive', 'schema.sql'), 'utf8'));
  await db.batch(statements.map((sql) => db.prepare(sql)));
}

/** The naive peer's D1 against what was sent: one event row per event, one paid order per session. */
export async function verifyNaive(mf, sent) {
  const db = await mf.getD1Database('DB');
  const scalar = async (sql) => /** @type {{ n: number }} */ (await db.prepare(sql).first()).n;
  const events = new Set(sent.map((delivery) => delivery.eventId)).size;
  const sessions = new Set(sent.map((delivery) => delivery.sessionId)).size;
  const checks = [
    { what: 'event rows = events sent', expected: events, actual: await scalar('SELECT count(*) AS n FROM events') },
    { what: `order rows with status 'paid' = sessions sent`, expected: sessions, actual: await scalar(`SELECT count(*) AS n FROM orders WHERE status = 'paid'`) },
  ];
  // What one paid webhook's two statements cost by D1's own meta: the same statements, once more, from here.
  const id = `bench_meta_${Date.now()}`;
  const event = await db.prepare('INSERT INTO events (id, type, created_at) VALUES (?, ?, ?)').bind(`evt_${id}`, 'checkout.session.completed', Date.now()).run();
  const order = await db
    .prepare('INSERT INTO orders (id, email, amount_total, currency, status, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .bind(`cs_test_${id}`, null, 1200, 'usd', 'paid', Date.now())
    .run();
  const perWebhook = {
    roundTrips: 2,
    rowsRead: event.meta.rows_read + order.meta.rows_read,
    rowsWritten: event.meta.rows_written + order.meta.rows_written,
    sqlMs: event.meta.duration + order.meta.duration,
  };
  return { ok: checks.every((check) => check.expected === check.actual), events, sessions, checks, perWebhook };
}
