// Step 7: signature verification alone, in Node, both sides on WebCrypto as in Workers:
// the project's verifier (worker/stripe/signature.ts, bundled on the fly with esbuild)
// against `stripe`'s constructEventAsync with Stripe.createSubtleCryptoProvider(); then
// the CPU an attacker can make one request cost (the free plan allows 10 ms per request).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import Stripe from 'stripe';
import { checkoutCompleted, WEBHOOK_SECRET } from './events.mjs';
import { REPO_ROOT } from './paths.mjs';

const VERIFIER = path.join(REPO_ROOT, 'worker', 'stripe', 'signature.ts');

/** Bundles the project's verifier for Node and reports its own minified size. */
async function loadVerifier(tmp) {
  const [forNode, minified] = await Promise.all([
    build({ entryPoints: [VERIFIER], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', write: false, logLevel: 'silent' }),
    build({ entryPoints: [VERIFIER], bundle: true, format: 'esm', platform: 'neutral', target: 'es2022', minify: true, write: false, logLevel: 'silent' }),
  ]);
  const file = path.join(tmp, 'signature.mjs');
  writeFileSync(file, /** @type {import('esbuild').OutputFile} */ (forNode.outputFiles[0]).contents);
  const code = /** @type {import('esbuild').OutputFile} */ (minified.outputFiles[0]).contents;
  return { module: await import(pathToFileURL(file).href), rawBytes: code.length, gzipBytes: gzipSync(code).length };
}

/** Runs `fn` `count` times, one at a time (awaiting each), and returns the elapsed ms. */
async function time(count, fn) {
  const started = performance.now();
  for (let i = 0; i < count; i++) await fn();
  return performance.now() - started;
}

/**
 * @param {{ iterations: number, tmp: string }} options
 */
export async function microBenchmark({ iterations, tmp }) {
  const verifier = await loadVerifier(tmp);
  const { body, header } = checkoutCompleted({ pretty: false });
  const payloadBytes = new TextEncoder().encode(body);
  const secrets = [WEBHOOK_SECRET];
  const provider = Stripe.createSubtleCryptoProvider();

  const cases = {
    // What the worker does: verify the raw bytes against the configured secret(s).
    ours: async () => {
      const verdict = await verifier.module.verifySignature({ payload: payloadBytes, header, secrets, nowSeconds: Math.floor(Date.now() / 1000) });
      if (!verdict.ok) throw new Error(`ours rejected a valid signature: ${verdict.reason}`);
    },
    // The same plus JSON.parse, which constructEventAsync includes (the worker parses right after verifying).
    'ours+parse': async () => {
      const verdict = await verifier.module.verifySignature({ payload: payloadBytes, header, secrets, nowSeconds: Math.floor(Date.now() / 1000) });
      if (!verdict.ok) throw new Error(`ours rejected a valid signature: ${verdict.reason}`);
      JSON.parse(new TextDecoder().decode(payloadBytes));
    },
    stripe: async () => {
      await Stripe.webhooks.constructEventAsync(body, header, WEBHOOK_SECRET, undefined, provider);
    },
  };

  // Warm up (JIT, key cache), then alternate rounds so drift hits every case alike.
  for (const fn of Object.values(cases)) await time(Math.min(1_000, iterations), fn);
  const rounds = 4;
  const perRound = Math.ceil(iterations / rounds);
  /** @type {Record<string, number>} */
  const totals = Object.fromEntries(Object.keys(cases).map((name) => [name, 0]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(cases)) totals[name] += await time(perRound, fn);
  }
  const count = perRound * rounds;
  /** @type {Record<string, number>} */
  const usPerVerification = Object.fromEntries(Object.entries(totals).map(([name, ms]) => [name, (ms * 1000) / count]));
  return {
    iterations: count,
    payloadBytes: payloadBytes.length,
    usPerVerification,
    verifierBundle: { rawBytes: verifier.rawBytes, gzipBytes: verifier.gzipBytes },
    worstCase: await worstCase(verifier.module, Math.max(10, Math.min(200, Math.round(iterations / 200)))),
  };
}

/**
 * CPU per forged request at the limits the webhook route allows: a current timestamp, a
 * body of 1 MiB (the route's limit) and bogus v1 values, so every check runs and fails.
 * process.cpuUsage() counts every thread, including the pool WebCrypto hashes on.
 */
async function worstCase(module, iterations) {
  const payload = new Uint8Array(1024 * 1024).fill(0x78);
  const bogus = (count) => Array.from({ length: count }, (_, i) => `v1=${(i % 16).toString(16).repeat(64)}`).join(',');
  const cases = [
    { name: `${module.MAX_V1_SIGNATURES} v1 candidates (the most accepted), 1 MiB body, 1 secret`, candidates: module.MAX_V1_SIGNATURES, secrets: 1 },
    { name: `${module.MAX_V1_SIGNATURES} v1 candidates, 1 MiB body, 2 secrets (rotation)`, candidates: module.MAX_V1_SIGNATURES, secrets: 2 },
    { name: '1,500 v1 candidates, 1 MiB body, 1 secret (rejected: header too long)', candidates: 1500, secrets: 1 },
  ];
  const figures = [];
  for (const { name, candidates, secrets } of cases) {
    // Built once, outside the timed loop: the attacker's cost, not ours.
    const header = `t=${Math.floor(Date.now() / 1000)},${bogus(candidates)}`;
    const configured = Array.from({ length: secrets }, (_, i) => `whsec_bench_worst_case_${i}`);
    const input = () => ({ payload, header, secrets: configured, nowSeconds: Math.floor(Date.now() / 1000) });
    const first = await module.verifySignature(input());
    if (first.ok) throw new Error(`worst case "${name}" was accepted`);
    for (let i = 0; i < 3; i++) await module.verifySignature(input());
    const cpu = process.cpuUsage();
    const started = performance.now();
    for (let i = 0; i < iterations; i++) await module.verifySignature(input());
    const used = process.cpuUsage(cpu);
    figures.push({ name, iterations, reason: first.reason, cpuMsPerRequest: (used.user + used.system) / 1000 / iterations, wallMsPerRequest: (performance.now() - started) / iterations });
  }
  return figures;
}
