#!/usr/bin/env node
// `npm run bench`: webhook throughput of the storefront's worker against two baselines,
// in workerd through Miniflare, plus browser figures and a signature micro-benchmark.
// Prints figures; asserts nothing about timing. Exits non-zero only when a step fails or
// when the D1 ledger/orders after the load run are not exactly what was sent.
//
// Env: BENCH_REQUESTS (default 4000 per worker), BENCH_WARMUP (200), BENCH_CONCURRENCY (32),
//      BENCH_MICRO_ITERATIONS (20000), BENCH_PROFILE_REQUESTS (1000), BENCH_SKIP_BROWSER=1,
//      BENCH_SKIP_TMPFS=1 (skip the diagnostic run of ours with its D1 on /dev/shm),
//      BENCH_SKIP_LIGHTHOUSE=1 (skip the Lighthouse table).
// Output: the tables below, and the same figures as JSON in bench/out/latest.json.
import http from 'node:http';
import { accessSync, constants, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, WRANGLER_ENV } from './lib/paths.mjs';
import { buildBundles, ensureSite } from './lib/build.mjs';
import { buildDeliveries, checkoutCompleted, WEBHOOK_SECRET } from './lib/events.mjs';
import { applyMigrations, fsyncProbe, post, sendAll, startMiniflare, summarize, TMPFS_DIR, verifyLedger } from './lib/load.mjs';
import { cleanupAll, tempDir } from './lib/proc.mjs';
import { fixed, kib, machine, table } from './lib/report.mjs';

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
  requests: intFromEnv('BENCH_REQUESTS', 4000),
  warmup: intFromEnv('BENCH_WARMUP', 200, 0),
  concurrency: intFromEnv('BENCH_CONCURRENCY', 32),
  microIterations: intFromEnv('BENCH_MICRO_ITERATIONS', 20_000),
  profileRequests: intFromEnv('BENCH_PROFILE_REQUESTS', 1000),
  d1Dir: os.tmpdir(),
  tmpfsRun: process.env.BENCH_SKIP_TMPFS !== '1' && writable(TMPFS_DIR),
  browser: process.env.BENCH_SKIP_BROWSER !== '1',
  lighthouse: process.env.BENCH_SKIP_LIGHTHOUSE !== '1',
};
const TARGET_VS_REFERENCE = 1.2;
// Generous: about 16 ms per requested webhook across all runs here, plus builds and the browser.
const WATCHDOG_MS = Math.max(20 * 60_000, CONFIG.requests * 60);

/** Bindings per worker: the same webhook secret everywhere; a dummy API key for the reference. */
const BINDINGS = {
  ours: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, ALLOWED_ORIGINS: '' },
  empty: {},
  reference: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_SECRET_API_KEY: 'sk_test_dummy', STRIPE_API_KEY: 'sk_test_dummy' },
};

const say = (message) => console.log(`bench: ${message}`);

/**
 * One load run: fresh Miniflare (fresh D1), warm-up, measured run, and for our worker
 * the D1 check that every delivery was recorded and fulfilled exactly once.
 */
async function loadRun(bundle, bindings, { stateful, d1OnTmpfs = false }) {
  const worker = await startMiniflare(bundle, bindings, stateful ? { fulfilled: '"msg":"order fulfilled"' } : {}, { d1OnTmpfs });
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONFIG.concurrency });
  try {
    if (stateful) await applyMigrations(worker.mf);
    // Sanity: a delivery signed with another secret must be refused (the empty worker accepts anything).
    const forged = await post(new URL('/webhooks/stripe', worker.url), checkoutCompleted({ secret: 'whsec_not_the_configured_one' }), agent);
    // Signed right before sending, so no timestamp nears the 300 s tolerance.
    const warmup = buildDeliveries(CONFIG.warmup);
    const measured = buildDeliveries(CONFIG.requests);
    const warm = await sendAll(worker.url, warmup, { concurrency: CONFIG.concurrency, agent });
    const result = summarize(await sendAll(worker.url, measured, { concurrency: CONFIG.concurrency, agent }));
    const figures = { ...result, warmupErrors: warm.errors, forgedSignatureStatus: forged.status, d1: stateful ? (d1OnTmpfs ? `tmpfs (${TMPFS_DIR})` : `disk (${CONFIG.d1Dir})`) : null };
    if (result.errors > 0 || warm.errors > 0) figures.workerLogTail = worker.log.tail.slice(-15);
    if (stateful) figures.verification = await verifyLedger(worker.mf, [...warmup, ...measured], worker.log);
    return figures;
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}

/** Our app with a timed D1 binding (bench/profile/worker.ts): where a webhook's time goes. */
async function profileRun(bundle, { requests, concurrency }) {
  const worker = await startMiniflare(bundle, BINDINGS.ours);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const stats = async (method) => {
    const response = await fetch(new URL('/__bench/d1', worker.url), { method });
    return response.json();
  };
  try {
    await applyMigrations(worker.mf);
    await sendAll(worker.url, buildDeliveries(Math.min(100, CONFIG.warmup)), { concurrency, agent });
    await stats('DELETE');
    const load = summarize(await sendAll(worker.url, buildDeliveries(requests), { concurrency, agent }));
    const { requests: inWorker, statements } = await stats('GET');
    const meanRequestMs = inWorker.totalMs / inWorker.count;
    return {
      concurrency,
      requests,
      perSecond: load.perSecond,
      p50Ms: load.p50Ms,
      errors: load.errors,
      meanRequestMs,
      statements: Object.entries(statements).map(([statement, s]) => ({
        statement,
        calls: s.calls,
        perRequest: s.calls / inWorker.count,
        meanMs: s.totalMs / s.calls,
        maxMs: s.maxMs,
        shareOfRequest: s.totalMs / inWorker.totalMs,
      })),
    };
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}

async function main() {
  // Wrangler also runs in this process (migrations' SQL splitter, unstable_startWorker): same env as the spawned ones.
  Object.assign(process.env, WRANGLER_ENV);
  mkdirSync(path.join(BENCH_DIR, 'out'), { recursive: true });
  writeFileSync(WRANGLER_ENV.WRANGLER_LOG_PATH, '');
  const results = { startedAt: new Date().toISOString(), machine: machine(), config: CONFIG, failures: [] };
  const tmp = tempDir('storefront-bench-');

  // 1. Builds.
  say('building (dist/ only if missing; worker bundles with wrangler deploy --dry-run --minify)…');
  results.site = await ensureSite();
  const bundles = await buildBundles(path.join(tmp, 'bundles'));
  results.bundles = Object.fromEntries(
    Object.values(bundles).map(({ name, rawBytes, gzipBytes, compatibilityDate, load }) => [name, { rawBytes, gzipBytes, compatibilityDate, inLoadTable: load }]),
  );

  // 2–3. Load, one worker at a time.
  const runs = [
    { label: 'empty', bundle: 'empty', stateful: false },
    { label: 'reference', bundle: 'reference', stateful: false },
    { label: 'ours', bundle: 'ours', stateful: true },
  ];
  if (CONFIG.tmpfsRun) runs.push({ label: 'ours, D1 on tmpfs', bundle: 'ours', stateful: true, d1OnTmpfs: true });
  results.load = {};
  for (const { label, bundle, stateful, d1OnTmpfs } of runs) {
    say(`load: ${label} — ${CONFIG.warmup} warm-up + ${CONFIG.requests} signed checkout.session.completed at ${CONFIG.concurrency} connections…`);
    const fsyncBefore = stateful ? fsyncProbe(d1OnTmpfs ? TMPFS_DIR : CONFIG.d1Dir) : undefined;
    const figures = await loadRun(bundles[bundle], BINDINGS[bundle], { stateful, d1OnTmpfs });
    if (fsyncBefore) figures.fsync = { before: fsyncBefore, after: fsyncProbe(d1OnTmpfs ? TMPFS_DIR : CONFIG.d1Dir) };
    results.load[label] = figures;
    if (figures.verification && !figures.verification.ok) results.failures.push(`D1 verification failed for "${label}"`);
  }

  // 4. Ratios.
  const rate = (name) => results.load[name]?.perSecond ?? NaN;
  results.ratios = {
    oursOverEmpty: rate('ours') / rate('empty'),
    oursOverReference: rate('ours') / rate('reference'),
    oursTmpfsOverReference: CONFIG.tmpfsRun ? rate('ours, D1 on tmpfs') / rate('reference') : null,
    target: { oursOverReferenceAtLeast: TARGET_VS_REFERENCE, met: rate('ours') / rate('reference') >= TARGET_VS_REFERENCE },
  };

  // Where ours spends a webhook: D1 calls timed inside the worker, at the load's concurrency and alone.
  say(`profile: our app with a timed D1 binding, ${CONFIG.profileRequests} webhooks at ${CONFIG.concurrency} connections, then ${Math.min(200, CONFIG.profileRequests)} at 1…`);
  results.profile = [
    await profileRun(bundles.profile, { requests: CONFIG.profileRequests, concurrency: CONFIG.concurrency }),
    await profileRun(bundles.profile, { requests: Math.min(200, CONFIG.profileRequests), concurrency: 1 }),
  ];

  // 7. Micro-benchmark (before the browser, with no worker running).
  say(`micro: ${CONFIG.microIterations} signature verifications per verifier…`);
  const { microBenchmark } = await import('./lib/micro.mjs');
  results.micro = await microBenchmark({ iterations: CONFIG.microIterations, tmp });

  // 5. Browser.
  if (CONFIG.browser) {
    say('browser: our worker with static assets (Miniflare, options from wrangler.toml) and Chromium…');
    try {
      const { browserFigures } = await import('./lib/browser.mjs');
      results.browser = await browserFigures(bundles.ours);
    } catch (error) {
      results.browser = { error: error instanceof Error ? error.message : String(error) };
      results.failures.push(`browser figures: ${results.browser.error.split('\n')[0]}`);
    }
  }

  // 8. Lighthouse.
  if (CONFIG.lighthouse) {
    say('lighthouse: home, a product page and the cart (mobile preset, Debian\'s Chromium via CHROME_PATH)…');
    try {
      const { lighthouseFigures } = await import('./lib/lighthouse.mjs');
      results.lighthouse = await lighthouseFigures(bundles.ours);
    } catch (error) {
      results.lighthouse = { error: error instanceof Error ? error.message : String(error) };
      results.failures.push(`lighthouse: ${results.lighthouse.error.split('\n')[0]}`);
    }
  }

  results.machine.loadAverageAtEnd = os.loadavg().map((value) => Math.round(value * 100) / 100);
  results.finishedAt = new Date().toISOString();
  return results;
}

function print(results) {
  const m = results.machine;
  const out = [];
  out.push('', '== Machine ==');
  out.push(`${m.cpu} · ${m.cores} cores · ${m.memoryGiB} GiB · ${m.os}`);
  out.push(`Node ${m.node} · workerd ${m.workerd} (miniflare ${m.miniflare}) · wrangler ${m.wrangler} · stripe ${m.stripe} · hono ${m.hono}`);
  out.push(`load average at start ${m.loadAverageAtStart.join(' ')}, at end ${(m.loadAverageAtEnd ?? []).join(' ')} (other work on the machine skews every figure)`);

  out.push('', '== Bundles (wrangler deploy --dry-run --minify; gzip = zlib.gzipSync of the .js) ==');
  const notes = {
    'reference-webhooks-only': 'size probe: stripe\'s webhooks module + hono, no Stripe client',
    profile: 'ours + D1 timing wrapper (profile below)',
  };
  out.push(results.site.built ? `dist/ was missing: built with vite in ${fixed(results.site.ms / 1000, 1)} s` : 'dist/ present: not rebuilt');
  out.push(table(['bundle', 'raw', 'gzip', 'note'], Object.entries(results.bundles).map(([name, b]) => [name, kib(b.rawBytes), kib(b.gzipBytes), notes[name] ?? '']), 'lrrl'));

  const c = results.config;
  out.push('', `== Webhook load (Miniflare/workerd, loopback, ${c.concurrency} keep-alive connections, ${c.requests} requests after ${c.warmup} warm-up) ==`);
  out.push(
    table(
      ['worker', 'webhooks/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'statuses', 'forged sig.', 'D1'],
      Object.entries(results.load).map(([name, r]) => [
        name,
        fixed(r.perSecond, 0),
        fixed(r.p50Ms, 2),
        fixed(r.p99Ms, 2),
        fixed(r.maxMs, 1),
        r.errors + (r.warmupErrors ? ` (+${r.warmupErrors} warm-up)` : ''),
        Object.entries(r.statuses).map(([status, n]) => `${status}×${n}`).join(' '),
        String(r.forgedSignatureStatus),
        r.d1 ?? '-',
      ]),
      'lrrrrrlrl',
    ),
  );
  for (const [name, r] of Object.entries(results.load)) {
    if (!r.fsync) continue;
    const { before, after } = r.fsync;
    out.push(
      `  ${name}: 4 KiB write + fdatasync in ${before.dir} took p50 ${fixed(before.p50Ms, 2)} / p90 ${fixed(before.p90Ms, 2)} ms before the run, ` +
        `p50 ${fixed(after.p50Ms, 2)} / p90 ${fixed(after.p90Ms, 2)} ms after (every D1 call pays at least one).`,
    );
  }
  out.push('  forged sig. = status answered to one delivery signed with another secret, sent before the warm-up (the empty worker checks nothing).');
  for (const [name, r] of Object.entries(results.load)) {
    if (r.errorSamples.length > 0) out.push(`  ${name} errors, e.g.: ${r.errorSamples.join(' | ')}`);
  }

  for (const [name, r] of Object.entries(results.load)) {
    const v = r.verification;
    if (!v) continue;
    out.push('', `== D1 verification (${name}): ${v.ok ? 'PASS' : 'FAIL'} — ${v.events} events, ${v.sessions} sessions sent (incl. warm-up) ==`);
    out.push(table(['check', 'expected', 'actual', ''], v.checks.map((ch) => [ch.what, ch.expected, ch.actual, ch.expected === ch.actual ? 'ok' : 'MISMATCH']), 'lrrl'));
  }

  const r = results.ratios;
  out.push('', '== Throughput ratios ==');
  out.push(`ours / empty     = ${fixed(r.oursOverEmpty, 2)}×  (share of the bare-runtime ceiling on this machine)`);
  out.push(
    `ours / reference = ${fixed(r.oursOverReference, 2)}×  target ≥ ${r.target.oursOverReferenceAtLeast}×: ${r.target.met ? 'met' : 'NOT met'} ` +
      '(informational: the reference only verifies — no D1, no fulfilment)',
  );
  if (r.oursTmpfsOverReference !== null) out.push(`ours with D1 on tmpfs / reference = ${fixed(r.oursTmpfsOverReference, 2)}×  (D1 without fsync cost)`);

  if (results.profile) {
    out.push('', '== Where a webhook goes in ours: D1 calls timed inside the worker (bench/profile/worker.ts, D1 on disk) ==');
    for (const p of results.profile) {
      out.push(
        `${p.concurrency} connection(s), ${p.requests} webhooks: ${fixed(p.perSecond, 0)}/s, p50 ${fixed(p.p50Ms, 1)} ms; ` +
          `mean time inside the worker ${fixed(p.meanRequestMs, 2)} ms per webhook${p.errors ? `; ${p.errors} errors` : ''}`,
      );
      out.push(
        table(
          ['D1 call', 'per webhook', 'mean ms', 'max ms', 'share of worker time'],
          p.statements.map((st) => [st.statement, fixed(st.perRequest, 2), fixed(st.meanMs, 2), fixed(st.maxMs, 1), `${fixed(st.shareOfRequest * 100, 0)}%`]),
          'lrrrr',
        ),
      );
    }
  }

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
