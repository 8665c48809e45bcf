#!/usr/bin/env node
// `npm run bench`: what the storefront's worker costs, in workerd through Miniflare, side by
// side with an empty worker, Hono's Stripe webhook example and a naive durable peer; then D1
// per purchase and its price, growth curves, the worst-case request, cold starts, the
// signature micro-benchmark, and browser and Lighthouse figures. Prints figures; asserts
// nothing about timing. Exits non-zero only when a step fails or when D1 after a load run is
// not exactly what was sent. `--quick`: small counts and sizes, no browser, no Lighthouse.
//
// Env (each overrides its default): BENCH_ROUNDS (load runs per worker, the best kept),
//      BENCH_REQUESTS (at 32 connections), BENCH_REQUESTS_SINGLE (at 1 connection), BENCH_WARMUP, BENCH_CONCURRENCY (32), BENCH_MICRO_ITERATIONS,
//      BENCH_PURCHASES (metered purchases), BENCH_GROWTH_REQUESTS (per operation and size),
//      BENCH_SKIP_GROWTH=1, BENCH_SKIP_DOWNLOAD=1, BENCH_DOWNLOAD_MIB (50), BENCH_SKIP_BROWSER=1, BENCH_SKIP_LIGHTHOUSE=1, BENCH_TMPFS=1 (also
//      run ours with its D1 on /dev/shm, a diagnostic).
// Output: the tables below; the figures as JSON in bench/out/latest.json, the main tables as
// Markdown in bench/out/summary.md, the growth chart in bench/out/growth.svg.
import http from 'node:http';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, WRANGLER_ENV } from './lib/paths.mjs';
import { buildBundles, ensureSite } from './lib/build.mjs';
import { buildDeliveries, checkoutCompleted, WEBHOOK_SECRET } from './lib/events.mjs';
import { measureWorkerdCpu } from './lib/cpu.mjs';
import {
  applyMigrations,
  applyNaiveSchema,
  fsyncProbe,
  oursOptions,
  post,
  sendAll,
  startMiniflare,
  summarize,
  TMPFS_DIR,
  verifyLedger,
  verifyNaive,
} from './lib/load.mjs';
import { meterPurchases } from './lib/meter.mjs';
import { costOfPurchases } from './lib/costs.mjs';
import { growthCurves, growthSvg } from './lib/growth.mjs';
import { bigDownload } from './lib/download.mjs';
import { reconcileCost } from './lib/reconcile.mjs';
import { coldStarts, worstCaseRequests } from './lib/startup.mjs';
import { summaryMarkdown } from './lib/markdown.mjs';
import { targetsOf } from './lib/targets.mjs';
import { PRICE_SOURCES } from './prices.mjs';
import { cleanupAll, tempDir } from './lib/proc.mjs';
import { fixed, kib, machine, table } from './lib/report.mjs';

const QUICK = process.argv.includes('--quick');

const intFromEnv = (name, fallback, min = 1) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
};

function writable(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const CONFIG = {
  quick: QUICK,
  rounds: intFromEnv('BENCH_ROUNDS', QUICK ? 1 : 2),
  requests: intFromEnv('BENCH_REQUESTS', QUICK ? 400 : 1500),
  requestsSingle: intFromEnv('BENCH_REQUESTS_SINGLE', QUICK ? 100 : 300),
  warmup: intFromEnv('BENCH_WARMUP', QUICK ? 50 : 100, 0),
  concurrency: intFromEnv('BENCH_CONCURRENCY', 32),
  microIterations: intFromEnv('BENCH_MICRO_ITERATIONS', QUICK ? 2000 : 20_000),
  purchases: intFromEnv('BENCH_PURCHASES', QUICK ? 40 : 300),
  growth: process.env.BENCH_SKIP_GROWTH !== '1',
  growthRequests: intFromEnv('BENCH_GROWTH_REQUESTS', QUICK ? 10 : 40),
  catalogSizes: QUICK ? [10, 1000] : [10, 1000, 10_000],
  orderSizes: QUICK ? [1000, 10_000] : [1000, 100_000, 1_000_000],
  download: process.env.BENCH_SKIP_DOWNLOAD !== '1',
  downloadMiB: intFromEnv('BENCH_DOWNLOAD_MIB', QUICK ? 8 : 50),
  downloads: QUICK ? 2 : 3,
  worstCaseRequests: QUICK ? 10 : 60,
  coldStartRounds: QUICK ? 1 : 3,
  d1Dir: os.tmpdir(),
  tmpfsRun: process.env.BENCH_TMPFS === '1' && writable(TMPFS_DIR),
  browser: !QUICK && process.env.BENCH_SKIP_BROWSER !== '1',
  lighthouse: !QUICK && process.env.BENCH_SKIP_LIGHTHOUSE !== '1',
};
const WATCHDOG_MS = 20 * 60_000;

/** The load table's workers, in the order printed. `bundle` names a bundle in lib/build.mjs. */
const WORKERS = [
  { label: 'empty', bundle: 'empty', what: 'answers 200' },
  { label: "Hono's example", bundle: 'reference', what: 'verify only, no storage' },
  { label: 'naive durable', bundle: 'naive', what: 'verify, INSERT event, INSERT order' },
  { label: 'ours', bundle: 'ours', what: 'verify, queue; the events consumer commits each group in one D1 batch; outbox queue' },
];

/** Bindings per bundle: the same webhook secret everywhere; a dummy API key for Hono's example and the peer. */
const BINDINGS = {
  ours: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, ALLOWED_ORIGINS: '' },
  empty: {},
  reference: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_API_KEY: 'sk_test_dummy', STRIPE_API_KEY: 'sk_test_dummy' },
  naive: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_API_KEY: 'sk_test_dummy' },
};

const say = (message) => console.log(`bench: ${message}`);

/**
 * One load run: a fresh workerd (and fresh D1), warm-up, the measured run with the workerd
 * CPU it took, and for the durable workers the D1 check that every delivery was recorded once.
 */
async function loadRun(bundle, name, { concurrency, requests, d1OnTmpfs = false, processing = 'queue' }) {
  let bindings = BINDINGS[name];
  let base = {};
  if (name === 'ours') {
    // As deployed: KV, the EVENTS queue (webhooks answered once queued, committed in groups by its
    // consumer) and the outbox queue, whose consumer delivers each order after the commit.
    // `sync`: WEBHOOK_PROCESSING=sync, each webhook committed on its request (the fallback).
    const options = await oursOptions();
    bindings = { ...options.vars, ...bindings, WEBHOOK_PROCESSING: processing };
    base = options.base;
  }
  const worker = await startMiniflare(bundle, bindings, name === 'ours' ? { delivered: '"msg":"order delivered"' } : {}, { d1OnTmpfs, base });
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    if (name === 'ours') await applyMigrations(worker.mf);
    if (name === 'naive') await applyNaiveSchema(worker.mf);
    // Sanity: a delivery signed with another secret must be refused (the empty worker accepts anything).
    const forged = await post(new URL('/webhooks/stripe', worker.url), checkoutCompleted({ secret: 'whsec_not_the_configured_one' }), agent);
    // Signed right before sending, so no timestamp nears the 300 s tolerance.
    const warmup = buildDeliveries(CONFIG.warmup);
    const measured = buildDeliveries(requests);
    const warm = await sendAll(worker.url, warmup, { concurrency, agent });
    const cpu = measureWorkerdCpu();
    const sent = await sendAll(worker.url, measured, { concurrency, agent });
    const result = summarize(sent);
    const cpuMs = cpu.stop();
    const figures = {
      ...result,
      concurrency,
      cpuMsPerRequest: cpuMs / requests,
      warmupErrors: warm.errors,
      forgedSignatureStatus: forged.status,
      d1: name === 'ours' || name === 'naive' ? (d1OnTmpfs ? `tmpfs (${TMPFS_DIR})` : `disk (${CONFIG.d1Dir})`) : null,
    };
    if (result.errors > 0 || warm.errors > 0) figures.workerLogTail = worker.log.tail.slice(-15);
    const answeredAtMs = new Map(measured.map((delivery, i) => [delivery.eventId, sent.answeredAtMs[i]]));
    figures.processing = name === 'ours' ? processing : undefined;
    if (name === 'ours') figures.verification = await withProxyRetry(() => verifyLedger(worker.mf, [...warmup, ...measured], worker.log, { answeredAtMs }));
    if (name === 'naive') figures.verification = await withProxyRetry(() => verifyNaive(worker.mf, [...warmup, ...measured]));
    if (figures.verification && !figures.verification.ok) figures.workerLogTail = worker.log.tail.slice(-15);
    return figures;
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}

/**
 * Miniflare's proxy makes some calls (`db.prepare`) through a synchronous fetcher whose reply
 * check (`message?.id === id`) failed once on this loaded machine, before any query ran: a
 * flake of the proxy, not of D1. The reads are idempotent, so they are tried again, twice.
 */
async function withProxyRetry(read) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !('code' in error) || error.code !== 'ERR_ASSERTION') throw error;
      say(`D1 read through Miniflare's proxy failed (${error.message}); trying again…`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

async function main() {
  // Wrangler also runs in this process (migrations' SQL splitter, worker options): same env as the spawned ones.
  Object.assign(process.env, WRANGLER_ENV);
  mkdirSync(path.join(BENCH_DIR, 'out'), { recursive: true });
  writeFileSync(WRANGLER_ENV.WRANGLER_LOG_PATH, '');
  const results = { startedAt: new Date().toISOString(), machine: machine(), config: CONFIG, failures: [] };
  const tmp = tempDir('storefront-bench-');
  const step = async (name, fn) => {
    const started = performance.now();
    try {
      return await fn();
    } finally {
      (results.stepSeconds ??= {})[name] = Math.round((performance.now() - started) / 100) / 10;
    }
  };

  // 1. Builds.
  say('building (dist/ only if missing; worker bundles with wrangler deploy --dry-run --minify)…');
  results.site = await ensureSite();
  const bundles = await step('build', () => buildBundles(path.join(tmp, 'bundles')));
  results.bundles = Object.fromEntries(
    Object.values(bundles).map(({ name, rawBytes, gzipBytes, compatibilityDate, load }) => [name, { rawBytes, gzipBytes, compatibilityDate, inLoadTable: load }]),
  );

  // 2. Load: every worker at 1 connection, then at 32, one at a time.
  // Each run is repeated (rounds, the second in reverse order) and the round with the higher
  // throughput kept for every worker alike: other work on a shared machine comes and goes.
  results.loadRounds = [];
  await step('load', async () => {
    const runs = [];
    for (const [concurrency, requests] of [
      [1, CONFIG.requestsSingle],
      [CONFIG.concurrency, CONFIG.requests],
    ]) {
      for (const { label, bundle } of WORKERS) runs.push({ label, bundle, concurrency, requests, processing: 'queue' });
      // Diagnostic: ours with WEBHOOK_PROCESSING=sync (the fallback without Queues): one D1 batch per webhook, on its request.
      runs.push({ label: 'ours, sync', bundle: 'ours', concurrency, requests, processing: 'sync' });
    }
    for (let round = 1; round <= CONFIG.rounds; round++) {
      for (const { label, bundle, concurrency, requests, processing } of round % 2 === 1 ? runs : [...runs].reverse()) {
        say(`load ${round}/${CONFIG.rounds}: ${label} — ${CONFIG.warmup} warm-up + ${requests} signed checkout.session.completed at ${concurrency} connection(s)…`);
        const durable = bundle === 'ours' || bundle === 'naive';
        const fsyncBefore = durable ? fsyncProbe(CONFIG.d1Dir, 50) : undefined;
        const figures = await loadRun(bundles[bundle], bundle, { concurrency, requests, processing });
        if (fsyncBefore) figures.fsync = { before: fsyncBefore, after: fsyncProbe(CONFIG.d1Dir, 50) };
        results.loadRounds.push({ round, label, bundle, ...figures });
        if (figures.verification && !figures.verification.ok) results.failures.push(`D1 verification failed for "${label}" at ${concurrency} (round ${round})`);
      }
    }
    if (CONFIG.tmpfsRun) {
      say(`load: ours with D1 on tmpfs at ${CONFIG.concurrency} connections (diagnostic)…`);
      results.loadRounds.push({ round: 1, label: 'ours, D1 on tmpfs', bundle: 'ours', ...(await loadRun(bundles.ours, 'ours', { concurrency: CONFIG.concurrency, requests: CONFIG.requests, d1OnTmpfs: true })) });
    }
  });
  results.load = [];
  for (const run of results.loadRounds) {
    const index = results.load.findIndex((kept) => kept.label === run.label && kept.concurrency === run.concurrency);
    if (index < 0) results.load.push(run);
    else if (run.perSecond > results.load[index].perSecond) results.load[index] = run;
  }
  results.load.sort((a, b) => a.concurrency - b.concurrency);

  // 3. Ratios and targets at the high concurrency.
  const at = (label, concurrency) => results.load.find((run) => run.label === label && run.concurrency === concurrency);
  const ratiosAt = (concurrency) => {
    const ours = at('ours', concurrency);
    return {
      concurrency,
      oursOverEmpty: ours.perSecond / at('empty', concurrency).perSecond,
      oursOverHonoExample: ours.perSecond / at("Hono's example", concurrency).perSecond,
      oursOverNaive: ours.perSecond / at('naive durable', concurrency).perSecond,
      oursP99Ms: ours.p99Ms,
    };
  };
  results.ratios = [ratiosAt(1), ratiosAt(CONFIG.concurrency)];

  // 4. D1 per purchase, and what a million cost.
  say(`metering: ${CONFIG.purchases} purchases one at a time in ours with a metering D1 binding (bench/profile/worker.ts)…`);
  results.perPurchase = await step('metering', () => meterPurchases(bundles.profile, { purchases: CONFIG.purchases, warmup: 10, burst: CONFIG.requests, concurrency: CONFIG.concurrency }));
  results.costs = costOfPurchases(results.perPurchase);
  results.libraryRequest = await step('library request', async () => (await import('./lib/library.mjs')).libraryRequests(bundles.profile, { requests: QUICK ? 20 : 100, print: console.log }));
  results.targets = targetsOf(results, CONFIG.concurrency);

  // 5. Growth curves.
  if (CONFIG.growth) {
    say(`growth: catalogs of ${CONFIG.catalogSizes.join(' / ')} products, orders of ${CONFIG.orderSizes.join(' / ')} rows, ${CONFIG.growthRequests} requests per operation…`);
    try {
      results.growth = await step('growth', () => growthCurves(bundles.profile, { catalogSizes: CONFIG.catalogSizes, orderSizes: CONFIG.orderSizes, requests: CONFIG.growthRequests }));
      writeFileSync(path.join(BENCH_DIR, 'out', 'growth.svg'), growthSvg(results.growth));
    } catch (error) {
      results.growth = { error: error instanceof Error ? error.message : String(error) };
      results.failures.push(`growth: ${results.growth.error.split('\n')[0]}`);
    }
  }

  // 5b. A big digital download through its signed link, streamed from R2.
  if (CONFIG.download) {
    say(`download: a ${CONFIG.downloadMiB} MiB file in R2, fetched ${CONFIG.downloads} times through the order's signed link…`);
    try {
      results.download = await step('download', () => bigDownload(bundles.ours, { sizeMiB: CONFIG.downloadMiB, downloads: CONFIG.downloads }));
    } catch (error) {
      results.download = { error: error instanceof Error ? error.message : String(error) };
      results.failures.push(`download: ${results.download.error.split('\n')[0]}`);
    }
  }

  results.reconcile = await step('reconcile', () => reconcileCost(bundles.profile, { quick: QUICK }));

  // 6. Worst-case request and cold start, ours next to Hono's example.
  say('worst case: 1 MiB body, 8 v1 candidates, current timestamp; then cold starts…');
  results.worstCase = await step('worst case', () => worstCaseRequests(bundles, BINDINGS, { names: ['reference', 'ours'], requests: CONFIG.worstCaseRequests }));
  results.coldStart = await step('cold start', () => coldStarts(bundles, BINDINGS, { names: ['empty', 'reference', 'naive', 'ours'], rounds: CONFIG.coldStartRounds }));

  // 7. Micro-benchmark (before the browser, with no worker running).
  say(`micro: ${CONFIG.microIterations} signature verifications per verifier…`);
  const { microBenchmark } = await import('./lib/micro.mjs');
  results.micro = await step('micro', () => microBenchmark({ iterations: CONFIG.microIterations, tmp }));

  // 8. Browser.
  if (CONFIG.browser) {
    say('browser: our worker with static assets (Miniflare, options from wrangler.toml) and Chromium…');
    try {
      const { browserFigures } = await import('./lib/browser.mjs');
      results.browser = await step('browser', () => browserFigures(bundles.ours));
    } catch (error) {
      results.browser = { error: error instanceof Error ? error.message : String(error) };
      results.failures.push(`browser figures: ${results.browser.error.split('\n')[0]}`);
    }
  }

  // 9. Lighthouse.
  if (CONFIG.lighthouse) {
    say('lighthouse: home, a product page and the cart (mobile preset, Debian\'s Chromium via CHROME_PATH)…');
    try {
      const { lighthouseFigures } = await import('./lib/lighthouse.mjs');
      results.lighthouse = await step('lighthouse', () => lighthouseFigures(bundles.ours));
    } catch (error) {
      results.lighthouse = { error: error instanceof Error ? error.message : String(error) };
      results.failures.push(`lighthouse: ${results.lighthouse.error.split('\n')[0]}`);
    }
  }

  results.machine.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  results.finishedAt = new Date().toISOString();
  return results;
}

const int = (value) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const usd = (value) => (value < 0.01 && value > 0 ? `$${value.toFixed(4)}` : `$${value.toFixed(2)}`);

function print(results) {
  const m = results.machine;
  const c = results.config;
  const out = [];
  out.push('', `== Machine${c.quick ? ' (--quick: small counts, figures are indicative only)' : ''} ==`);
  out.push(`${m.cpu} · ${m.cores} cores · ${m.memoryGiB} GiB · ${m.os}`);
  out.push(`Node ${m.node} · workerd ${m.workerd} (miniflare ${m.miniflare}) · wrangler ${m.wrangler} · stripe ${m.stripe} · hono ${m.hono}`);
  out.push(`load average at start ${m.loadAverageAtStart.join(' ')}, at end ${(m.loadAverageAtEnd ?? []).join(' ')} (other work on the machine skews every figure)`);

  out.push('', '== Ratios and targets (same run, same machine) ==');
  out.push(
    table(
      ['connections', 'ours / empty', "ours / Hono's example", 'ours / naive durable', 'ours p99 ms'],
      results.ratios.map((r) => [r.concurrency, `${fixed(r.oursOverEmpty, 2)}×`, `${fixed(r.oursOverHonoExample, 2)}×`, `${fixed(r.oursOverNaive, 2)}×`, fixed(r.oursP99Ms, 1)]),
      'rrrrr',
    ),
  );
  out.push(table(['target', 'measured', ''], results.targets.map((t) => [t.what, t.value, t.met ? 'met' : 'NOT met']), 'lrl'));

  out.push('', `== Webhook load (Miniflare/workerd, loopback, keep-alive; ${c.requestsSingle} requests at 1 connection, ${c.requests} at ${c.concurrency}, after ${c.warmup} warm-up; best of ${c.rounds} round(s)) ==`);
  out.push(
    table(
      ['worker', 'conns', 'webhooks/s', 'p50 ms', 'p99 ms', 'max ms', 'CPU ms/req', 'errors', 'forged sig.', 'D1'],
      results.load.map((r) => [
        r.label,
        r.concurrency,
        fixed(r.perSecond, 0),
        fixed(r.p50Ms, 2),
        fixed(r.p99Ms, 2),
        fixed(r.maxMs, 1),
        fixed(r.cpuMsPerRequest, 2),
        r.errors + (r.warmupErrors ? ` (+${r.warmupErrors} warm-up)` : ''),
        String(r.forgedSignatureStatus),
        r.d1 ?? '-',
      ]),
      'lrrrrrrrrl',
    ),
  );
  out.push('  CPU ms/req = CPU of the workerd process per request (user + system, /proc): includes Miniflare\'s proxy, local D1 and the queue consumer.');
  out.push('  forged sig. = status answered to one delivery signed with another secret, sent before the warm-up (the empty worker checks nothing).');
  for (const r of results.load) {
    if (r.fsync) {
      out.push(
        `  ${r.label} at ${r.concurrency}: 4 KiB write + fdatasync in ${r.fsync.before.dir} took p50 ${fixed(r.fsync.before.p50Ms, 2)} / p90 ${fixed(r.fsync.before.p90Ms, 2)} ms before, ` +
          `${fixed(r.fsync.after.p50Ms, 2)} / ${fixed(r.fsync.after.p90Ms, 2)} ms after (every local D1 commit pays one).`,
      );
    }
    if (r.errorSamples.length > 0) out.push(`  ${r.label} at ${r.concurrency} errors, e.g.: ${r.errorSamples.join(' | ')}`);
  }
  // The kept runs, and any round whose check failed (a failure is never hidden by a better round).
  for (const r of results.loadRounds.filter((run) => run.verification && (results.load.includes(run) || !run.verification.ok))) {
    const v = r.verification;
    const drained =
      v.drainMs === undefined || !r.label.startsWith('ours')
        ? ''
        : `; events committed ${fixed(v.eventsDrainMs / 1000, 1)} s and outbox drained ${fixed((v.eventsDrainMs + v.drainMs) / 1000, 1)} s after the last response` +
          (v.commitLatency && r.processing === 'queue' ? `; 200 → committed p50 ${fixed(v.commitLatency.p50Ms, 0)} ms, p99 ${fixed(v.commitLatency.p99Ms, 0)} ms, max ${fixed(v.commitLatency.maxMs, 0)} ms` : '');
    out.push('', `== D1 verification (${r.label}, ${r.concurrency} connection(s), round ${r.round}): ${v.ok ? 'PASS' : 'FAIL'} — ${v.events} events, ${v.sessions} sessions sent (incl. warm-up)${drained} ==`);
    out.push(table(['check', 'expected', 'actual', ''], v.checks.map((ch) => [ch.what, ch.expected, ch.actual, ch.expected === ch.actual ? 'ok' : 'MISMATCH']), 'lrrl'));
    if (!v.ok && v.outbox) out.push(`  outbox: ${JSON.stringify(v.outbox)}`);
    if (!v.ok && r.workerLogTail) out.push(...r.workerLogTail.map((line) => `  ${line}`));
  }

  const p = results.perPurchase;
  out.push(
    '',
    `== D1 per purchase (ours, queue mode, ${p.purchases} purchases one at a time, each ${fixed(p.webhooksPerPurchase, 0)} webhooks: customer.created + checkout.session.completed; D1's meta.rows_read / rows_written counted in the worker) ==`,
  );
  out.push(
    table(
      ['step, per purchase', 'D1 round trips', 'rows read', 'rows written', 'ms in worker', 'ms of SQL (meta.duration)'],
      [
        ['its webhooks (verify, queue)', p.webhook],
        ['their commit (events consumer, in groups)', p.events],
        ['outbox delivery (queue consumer, after the commit)', p.outbox],
        ['order lookup (success page, once)', p.orderLookup],
      ].map(([step, f]) => [step, fixed(f.roundTrips, 2), fixed(f.rowsRead, 1), fixed(f.rowsWritten, 1), fixed(f.msInWorker, 2), fixed(f.sqlMs, 2)]),
      'lrrrrr',
    ),
  );
  out.push(`  rows written per purchase: ${fixed(p.rowsWrittenPerPurchase, 1)} (index entries included).`);
  for (const [name, part] of [
    ['webhooks', p.webhook],
    ['events consumer', p.events],
    ['outbox', p.outbox],
    ['lookup', p.orderLookup],
  ]) {
    out.push(`  ${name}: ${part.statements.map((s) => `${s.statement} ×${fixed(s.perOperation, 2)} (mean ${fixed(s.meanMs, 2)} ms)`).join('; ')}`);
  }
  const naive = results.load.find((run) => run.bundle === 'naive' && run.verification?.perWebhook)?.verification.perWebhook;
  if (naive) {
    out.push(
      `  the naive peer, for comparison: ${naive.roundTrips} D1 round trips per paid webhook, ${naive.rowsRead} rows read, ${naive.rowsWritten} written, ` +
        `${fixed(naive.sqlMs, 2)} ms of SQL (its two statements run once more after its load run), and nothing after the response.`,
    );
  }
  out.push(
    `  D1 storage per purchase: ${fixed(p.bytesPerPurchase / 1024, 2)} KiB with its events' payloads (${fixed(p.payloadBytesPerPurchase / 1024, 2)} KiB of them, kept LEDGER_PAYLOAD_RETENTION_DAYS), ` +
      `${fixed(p.keptBytesPerPurchase / 1024, 2)} KiB once they are cleared; workerd CPU ${fixed(p.cpuMsPerPurchase, 2)} ms per purchase (webhooks, commit, delivery); ` +
      `${p.errors} webhook errors, ${p.uncommitted} events not committed, ${p.undelivered} outbox rows not done.`,
  );
  const u = p.underLoad;
  const batch = u.events.statements.find((st) => st.statement.startsWith('batch'));
  out.push(
    `  under load (${u.requests} checkout.session.completed at ${u.concurrency} connections, ${fixed(u.perSecond, 0)}/s, p50 ${fixed(u.p50Ms, 1)} ms): ` +
      `D1 commits per webhook ${fixed(u.commitsPerWebhook, 3)} (${u.eventBatches} group commits, a mean ${fixed(u.requests / Math.max(1, u.eventBatches), 1)} events each, ` +
      `${fixed(batch?.meanMs ?? NaN, 1)} ms per batch call); a webhook spent ${fixed(u.webhook.msInWorker, 2)} ms in the worker and made ${fixed(u.webhook.roundTrips, 2)} D1 calls; ` +
      `${u.uncommitted} not committed; meanwhile the outbox consumer made ${u.outboxDeliveriesMeanwhile} deliveries (${fixed(u.outboxMsMeanwhile / 1000, 2)} s of D1 work in the same database).`,
  );

  const k = results.costs;
  out.push('', `== Cost of ${int(k.purchases)} purchases on Cloudflare's prices (bench/prices.mjs, taken ${k.pricesTakenOn}) ==`);
  out.push(
    table(
      ['item', 'per purchase', 'for 1M', 'price', 'list cost', 'beyond Paid allowance', 'how'],
      k.rows.map((row) => [
        row.item,
        row.perPurchase >= 0.01 || row.perPurchase === 0 ? fixed(row.perPurchase, 2) : row.perPurchase.toExponential(2),
        row.units >= 100 || row.units === 0 ? int(row.units) : fixed(row.units, 2),
        `$${row.price.usd} / ${row.price.per === 1 ? '' : `${int(row.price.per)} `}${row.price.unit}`,
        usd(row.listUsd),
        usd(row.beyondAllowanceUsd),
        row.how,
      ]),
      'lrrlrrl',
    ),
  );
  out.push(`  total at list prices ${usd(k.totalListUsd)}; on Workers Paid ($5/month, its allowances, nothing else running) ${usd(k.totalOnPaidPlanUsd)} for the month.`);
  out.push(`  sources: ${Object.values(PRICE_SOURCES).join(' ')}`);

  const g = results.growth;
  if (g?.error) out.push('', `== Growth: FAILED: ${g.error} ==`);
  else if (g) {
    out.push('', `== Growth: per operation as the shop grows (${g.requests} requests each, one at a time; chart in bench/out/growth.svg) ==`);
    const rowsOf = (points, sizeLabel) =>
      points.flatMap((point) =>
        Object.entries(point.ops).map(([op, f]) => [
          op,
          `${int(point.size)} ${sizeLabel}`,
          fixed(f.p50Ms, 2),
          fixed(f.meanMs, 2),
          fixed(f.roundTrips, 2),
          fixed(f.rowsRead, 1),
          fixed(f.rowsWritten, 1),
          kib(f.responseBytes),
          Object.entries(f.statuses).map(([s, n]) => `${s}×${n}`).join(' '),
        ]),
      );
    const header = ['operation', 'size', 'p50 ms', 'mean ms', 'D1 trips', 'rows read', 'rows written', 'response', 'statuses'];
    const byOp = (rows) => rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    out.push(table(header, byOp(rowsOf(g.catalog, 'products')), 'llrrrrrrl'));
    out.push(table(header, byOp(rowsOf(g.orders, 'orders')), 'llrrrrrrl'));
    if (g.backOffice?.length) {
      out.push(`  the back office's orders API on the same tables (SYNC_TOKEN bearer; plus 300 recent orders that the totals add up):`);
      out.push(table(header, byOp(rowsOf(g.backOffice, 'orders')), 'llrrrrrrl'));
    }
    out.push(`  seeding (one INSERT … SELECT over a recursive CTE per table): ${[...g.catalog, ...g.orders].map((s) => `${int(s.size)} in ${fixed(s.seedMs / 1000, 1)} s`).join(', ')}`);
  }

  const d = results.download;
  if (d?.error) out.push('', `== Download: FAILED: ${d.error} ==`);
  else if (d) {
    out.push('', `== Download: a ${d.sizeMiB} MiB file from R2 through its signed link (ours, Miniflare's local R2; ${d.downloads} downloads one after another, each on a new connection) ==`);
    out.push(
      table(
        ['file', 'time to first byte p50 ms', 'max ms', 'throughput p50 MiB/s', 'min MiB/s', 'whole file p50 ms', 'bytes'],
        [[`${d.sizeMiB} MiB`, fixed(d.ttfbP50Ms, 1), fixed(d.ttfbMaxMs, 1), fixed(d.mibPerSecondP50, 1), fixed(d.mibPerSecondMin, 1), fixed(d.totalMsP50, 0), 'SHA-256 as put']],
        'lrrrrrl',
      ),
    );
    out.push(`  putting the file into the local bucket took ${fixed(d.putMs / 1000, 1)} s (Miniflare's proxy; not part of a download).`);
  }

  const w = results.worstCase;
  out.push('', `== Worst-case webhook request over HTTP: ${w.bodyBytes} B body, ${w.v1Candidates} bogus v1 candidates, current timestamp, 1 secret (${w.results[0]?.requests} requests, 1 connection) ==`);
  out.push(
    table(
      ['worker', 'p50 ms', 'p99 ms', 'workerd CPU ms/req', 'answer'],
      w.results.map((r) => [r.name === 'reference' ? "Hono's example" : r.name, fixed(r.p50Ms, 2), fixed(r.p99Ms, 2), fixed(r.cpuMsPerRequest, 2), `${Object.keys(r.statuses).join(',')} ${r.answer}`]),
      'lrrrl',
    ),
  );
  out.push('', `== Cold start: load the bundle in a fresh workerd, then the first request (median of ${results.coldStart[0]?.rounds}) ==`);
  out.push(
    table(
      ['worker', 'bundle gzip', 'load ms (ready)', 'first request ms', 'next requests p50 ms', 'first status'],
      results.coldStart.map((r) => [r.name === 'reference' ? "Hono's example" : r.name, kib(results.bundles[r.name]?.gzipBytes ?? NaN), fixed(r.readyMs, 0), fixed(r.firstMs, 1), fixed(r.warmP50Ms, 2), r.firstStatuses.join(',')]),
      'lrrrrl',
    ),
  );

  out.push('', '== Bundles (wrangler deploy --dry-run --minify; gzip = zlib.gzipSync of the .js) ==');
  const notes = {
    'reference-webhooks-only': 'size probe: stripe\'s webhooks module + hono, no Stripe client',
    profile: 'ours + D1 metering wrapper',
  };
  out.push(results.site.built ? `dist/ was missing: built with vite in ${fixed(results.site.ms / 1000, 1)} s` : 'dist/ present: not rebuilt');
  out.push(table(['bundle', 'raw', 'gzip', 'note'], Object.entries(results.bundles).map(([name, b]) => [name, kib(b.rawBytes), kib(b.gzipBytes), notes[name] ?? '']), 'lrrl'));

  if (results.micro) {
    const mi = results.micro;
    const us = mi.usPerVerification;
    out.push('', `== Signature verification in Node (WebCrypto both; ${mi.iterations} verifications each, ${mi.payloadBytes} B payload, sequential) ==`);
    out.push(
      table(
        ['verifier', 'µs / verification', 'vs stripe'],
        [
          ['ours: verifySignature (worker/stripe/signature.ts)', fixed(us.ours, 2), `${fixed(us.stripe / us.ours, 2)}× faster`],
          ['ours + JSON.parse (same work as constructEventAsync)', fixed(us['ours+parse'], 2), `${fixed(us.stripe / us['ours+parse'], 2)}× faster`],
          ['stripe: constructEventAsync + createSubtleCryptoProvider()', fixed(us.stripe, 2), '1.00×'],
        ],
        'lrr',
      ),
    );
    out.push('', '== Worst-case forged webhook: CPU of the signature check per request (Node, WebCrypto; the free plan allows 10 ms CPU per request) ==');
    out.push(
      table(
        ['request', 'ms CPU / request', 'ms wall', 'answer'],
        mi.worstCase.map((w) => [w.name, fixed(w.cpuMsPerRequest, 2), fixed(w.wallMsPerRequest, 2), `400 ${w.reason.split(' (')[0]}`]),
        'lrrl',
      ),
    );
    const b = results.bundles;
    out.push(
      `Bundle cost of the choice: the verifier alone is ${kib(mi.verifierBundle.rawBytes)} / ${kib(mi.verifierBundle.gzipBytes)} gzip (esbuild --minify); ` +
        `reference − ours = ${kib(b.reference.rawBytes - b.ours.rawBytes)} raw / ${kib(b.reference.gzipBytes - b.ours.gzipBytes)} gzip; ` +
        `stripe's webhooks module alone + hono = ${kib(b['reference-webhooks-only'].rawBytes)} / ${kib(b['reference-webhooks-only'].gzipBytes)} gzip.`,
    );
  }

  if (results.browser) {
    const br = results.browser;
    out.push('', '== Browser (Chromium headless; our worker bundle + dist/ assets in Miniflare, configured from wrangler.toml) ==');
    if (br.error) {
      out.push(`FAILED: ${br.error}`);
    } else {
      const p = br.product;
      out.push(`Chromium ${br.chromium}`);
      out.push(
        `(a) Product page ${new URL(p.url).pathname}${new URL(p.url).search}, cold cache: ${p.networkRequests} requests over the network` +
          `${p.fromCache ? ` (+${p.fromCache} from memory cache)` : ''}${p.failedRequests ? `, ${p.failedRequests} failed` : ''}; ` +
          `${kib(p.transferBytes)} transferred incl. headers; bodies ${kib(p.encodedBodyBytes)} as served (content-encoding: ${p.contentEncodings.join(', ')}), ` +
          `${kib(p.gzipBytes)} gzipped (zlib of each text body), ${kib(p.decodedBytes)} decoded.`,
      );
      out.push(
        table(
          ['request', 'status', 'type', 'encoding', 'wire bytes', 'body bytes', 'gzip bytes', 'decoded'],
          p.perRequest.map((q) => [
            q.path,
            q.status,
            q.type,
            q.fromCache ? '(cache)' : q.contentEncoding,
            q.transferBytes,
            q.encodedBodyBytes,
            q.gzipBytes,
            q.decodedBytes,
          ]),
          'lrllrrrr',
        ),
      );
      const l = br.latency;
      out.push(
        `(b) Webhook → open success page shows fulfilled: median ${fixed(l.medianMs, 0)} ms over ${l.runs.length} runs ` +
          `(min ${fixed(l.minMs, 0)}, max ${fixed(l.maxMs, 0)}); the webhook request itself took a median ${fixed(l.medianWebhookMs, 0)} ms.`,
      );
      out.push(
        '    This includes the polling delay: the webhook is sent as soon as the page\'s first poll is answered 404, and the page ' +
          'polls again only after 500 ms (then ×1.5 backoff), so ~500 ms of each figure is waiting for the next poll, not the worker.',
      );
      out.push(`    per run: ${l.runs.map((run) => `${run.latencyMs} ms (webhook ${run.webhookMs} ms, ${run.polls} polls)`).join('; ')}`);
      const e = br.productEmbedded;
      out.push(
        `(c) The same page with CHECKOUT_MODE=embedded: ${e.networkRequests} requests, ${kib(e.transferBytes)} transferred (${kib(e.transferBytes - p.transferBytes)} more than payment-link mode); ` +
          `Stripe.js or embedded-checkout requests: ${e.stripeJsRequests} (mode off: ${p.stripeJsRequests}); third-party requests: ${e.thirdPartyRequests.length}.`,
      );
    }
  }

  if (results.lighthouse) {
    const lh = results.lighthouse;
    out.push('', '== Lighthouse (mobile preset, simulated throttling; our worker + dist/ in Miniflare) ==');
    if (lh.error) {
      out.push(`FAILED: ${lh.error}`);
    } else {
      out.push(`Lighthouse ${lh.pages[0]?.lighthouseVersion} · ${lh.chromePath}`);
      out.push(
        table(
          ['page', 'performance', 'accessibility', 'best practices', 'SEO', 'LCP ms', 'TBT ms', 'CLS'],
          lh.pages.map((p) => [`${p.name} ${p.path}${p.indexable ? '' : ' (noindex)'}`, p.performance, p.accessibility, p.bestPractices, p.seo, fixed(p.lcpMs, 0), fixed(p.tbtMs, 0), fixed(p.cls, 3)]),
          'lrrrrrrr',
        ),
      );
      const t = lh.targets;
      out.push(
        `Targets: performance ≥ ${t.performance}; accessibility, best practices, SEO = 100 on indexable pages; CLS ≤ ${t.cls}: ${lh.targetsMet ? 'met' : 'NOT met'}.`,
      );
      for (const p of lh.pages) if (p.failingAudits.length > 0) out.push(`    ${p.name}: audits below 1: ${p.failingAudits.join(', ')}`);
    }
  }

  out.push('', `Step times (s): ${Object.entries(results.stepSeconds ?? {}).map(([name, s]) => `${name} ${s}`).join(', ')}; total ${fixed((Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000, 0)} s`);
  if (results.failures.length > 0) out.push('', `FAILURES: ${results.failures.join('; ')}`);
  console.log(out.join('\n'));
}

let exitCode = 0;
const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${WATCHDOG_MS / 60_000} min; stopping.`);
  void cleanupAll().finally(() => process.exit(2));
}, WATCHDOG_MS);
watchdog.unref();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`bench: ${signal}; cleaning up.`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

try {
  const results = await main();
  print(results);
  const outDir = path.join(BENCH_DIR, 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'summary.md'), summaryMarkdown(results));
  say(`wrote ${path.relative(process.cwd(), path.join(outDir, 'latest.json')) || 'bench/out/latest.json'}`);
  if (results.failures.length > 0) exitCode = 1;
} catch (error) {
  console.error(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await cleanupAll();
  clearTimeout(watchdog);
}
process.exitCode = exitCode;
