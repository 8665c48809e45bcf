// Step 7: signature verification alone, in Node, both sides on WebCrypto as in Workers:
// the project's verifier (worker/stripe/signature.ts, bundled on the fly with esbuild)
// against `stripe`'s constructEventAsync with Stripe.createSubtleCryptoProvider().
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
  };
}
