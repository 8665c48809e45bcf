// Two costs that are not throughput, ours next to the reference (Hono's example):
// - the worst signed-looking request an attacker can send within our limits: a 1 MiB body,
//   8 v1 candidates (the most the route accepts) and a current timestamp, so every check runs
//   and fails; timed over HTTP, with the workerd CPU it costs;
// - the cold start: how long workerd takes to load the bundle (Miniflare ready), then the
//   first request after load against the ones after it.
import http from 'node:http';
import { measureWorkerdCpu } from './cpu.mjs';
import { checkoutCompleted } from './events.mjs';
import { applyMigrations, applyNaiveSchema, oursOptions, percentile, post, startMiniflare } from './load.mjs';

/** Body and v1 limits of our webhook route (worker/routes/webhooks.ts, worker/stripe/signature.ts). */
export const WORST_BODY_BYTES = 1024 * 1024;
export const WORST_V1_CANDIDATES = 8;

function worstDelivery() {
  const body = `{"id":"evt_worst","object":"event","padding":"${'x'.repeat(WORST_BODY_BYTES - 50)}"}`.slice(0, WORST_BODY_BYTES);
  const candidates = Array.from({ length: WORST_V1_CANDIDATES }, (_, i) => `v1=${(i % 16).toString(16).repeat(64)}`).join(',');
  return { eventId: 'evt_worst', sessionId: '', body, header: `t=${Math.floor(Date.now() / 1000)},${candidates}` };
}

/** A fresh workerd with the bundle; `readyMs`: until it is loaded and listening (ours' migrations come after). */
async function startWorker(name, bundle, bindings) {
  if (name !== 'ours') {
    const started = performance.now();
    const worker = await startMiniflare(bundle, bindings);
    const readyMs = performance.now() - started;
    if (name === 'naive') await applyNaiveSchema(worker.mf);
    return { worker, readyMs };
  }
  const { base, vars } = await oursOptions();
  const started = performance.now();
  const worker = await startMiniflare(bundle, { ...vars, ...bindings }, {}, { base });
  const readyMs = performance.now() - started;
  await applyMigrations(worker.mf);
  return { worker, readyMs };
}

/**
 * @param {Record<string, { scriptPath: string, compatibilityDate: string }>} bundles
 * @param {Record<string, Record<string, string>>} bindings per bundle name
 */
export async function worstCaseRequests(bundles, bindings, { names, requests }) {
  const results = [];
  for (const name of names) {
    const { worker } = await startWorker(name, bundles[name], bindings[name]);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const url = new URL('/webhooks/stripe', worker.url);
      for (let i = 0; i < 3; i++) await post(url, worstDelivery(), agent); // warm-up
      const times = [];
      const statuses = {};
      let answer = '';
      const cpu = measureWorkerdCpu();
      for (let i = 0; i < requests; i++) {
        const delivery = worstDelivery(); // built outside the timing: the attacker's cost
        const started = performance.now();
        const { status, body } = await post(url, delivery, agent);
        times.push(performance.now() - started);
        statuses[status] = (statuses[status] ?? 0) + 1;
        answer ||= body.slice(0, 90);
      }
      const cpuMs = cpu.stop();
      times.sort((a, b) => a - b);
      results.push({ name, requests, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), cpuMsPerRequest: cpuMs / requests, statuses, answer });
    } finally {
      agent.destroy();
      await worker.dispose();
    }
  }
  return { bodyBytes: WORST_BODY_BYTES, v1Candidates: WORST_V1_CANDIDATES, results };
}

/**
 * Loads each bundle `rounds` times in a fresh workerd: ms until Miniflare is ready, the first
 * request (a signed checkout.session.completed) and the median of the next 20.
 */
export async function coldStarts(bundles, bindings, { names, rounds }) {
  const results = [];
  for (const name of names) {
    const samples = [];
    for (let round = 0; round < rounds; round++) {
      const { worker, readyMs } = await startWorker(name, bundles[name], bindings[name]);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const url = new URL('/webhooks/stripe', worker.url);
        const t0 = performance.now();
        const first = await post(url, checkoutCompleted(), agent);
        const firstMs = performance.now() - t0;
        const next = [];
        for (let i = 0; i < 20; i++) {
          const delivery = checkoutCompleted();
          const t = performance.now();
          await post(url, delivery, agent);
          next.push(performance.now() - t);
        }
        next.sort((a, b) => a - b);
        samples.push({ readyMs, firstMs, firstStatus: first.status, warmP50Ms: percentile(next, 50) });
      } finally {
        agent.destroy();
        await worker.dispose();
      }
    }
    const median = (key) => percentile(samples.map((s) => s[key]).sort((a, b) => a - b), 50);
    results.push({ name, rounds, readyMs: median('readyMs'), firstMs: median('firstMs'), warmP50Ms: median('warmP50Ms'), firstStatuses: samples.map((s) => s.firstStatus) });
  }
  return results;
}
