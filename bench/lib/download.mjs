// A big digital download through the worker: one fulfilled order of the pattern pack whose
// file in R2 is `sizeMiB` of random bytes, fetched whole through its signed link, one at a
// time. Time to first byte (request sent → first body byte) and throughput (file size / time
// to the last byte), with the bytes' SHA-256 checked against what was put in the bucket.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import { checkoutCompleted, WEBHOOK_SECRET } from './events.mjs';
import { applyMigrations, percentile, post, startMiniflare } from './load.mjs';
import { REPO_ROOT } from './paths.mjs';

const SIGNING_SECRET = 'bench_download_signing_secret_0123456789abcdef';
/** The pattern pack's file as catalog/catalog.json names it. */
const FILE_KEY = 'field-notes/field-notes-pattern-pack.pdf';

/** GET over a fresh connection; resolves with the status, bytes, their SHA-256 and the times. */
function download(url) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = NaN;
    const hash = createHash('sha256');
    let bytes = 0;
    const request = http.get(url, { agent: false }, (response) => {
      response.on('data', (chunk) => {
        if (bytes === 0) firstByteMs = performance.now() - started;
        bytes += chunk.length;
        hash.update(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode, bytes, sha256: hash.digest('hex'), firstByteMs, totalMs: performance.now() - started }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.setTimeout(120_000, () => request.destroy(new Error('download timed out')));
  });
}

/**
 * @param {{ scriptPath: string, compatibilityDate: string }} bundle ours, as deployed
 * @param {{ sizeMiB: number, downloads: number }} options at most the file's download limit (10)
 */
export async function bigDownload(bundle, { sizeMiB, downloads }) {
  const { unstable_getMiniflareWorkerOptions: workerOptionsFor } = await import('wrangler');
  const { workerOptions } = workerOptionsFor(path.join(REPO_ROOT, 'wrangler.toml'));
  const { kvNamespaces, queueProducers, queueConsumers, r2Buckets } = workerOptions;
  const worker = await startMiniflare(
    bundle,
    { ...workerOptions.bindings, STRIPE_MODE: 'test', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, DOWNLOAD_SIGNING_SECRET: SIGNING_SECRET, ALLOWED_ORIGINS: '',
      // The order this step downloads from is committed on its webhook's request (queued, the step would race the consumer).
      WEBHOOK_PROCESSING: 'sync' },
    {},
    { base: { kvNamespaces, queueProducers, queueConsumers, r2Buckets } },
  );
  const agent = new http.Agent({ keepAlive: false });
  try {
    await applyMigrations(worker.mf);
    const file = randomBytes(sizeMiB * 1024 * 1024);
    const expected = createHash('sha256').update(file).digest('hex');
    const bucket = await worker.mf.getR2Bucket('FILES');
    const putStarted = performance.now();
    // Through Miniflare's proxy an ArrayBuffer goes across whole (a Node Buffer view does not).
    await bucket.put(FILE_KEY, file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength), { httpMetadata: { contentType: 'application/pdf' } });
    const putMs = performance.now() - putStarted;

    const paid = checkoutCompleted();
    const webhook = await post(new URL('/webhooks/stripe', worker.url), paid, agent);
    if (webhook.status !== 200) throw new Error(`the webhook answered ${webhook.status}: ${webhook.body}`);
    const order = await (await fetch(new URL(`/api/orders/${paid.sessionId}`, worker.url))).json();
    const link = order.downloads?.find((entry) => entry.url.includes(FILE_KEY.split('/').pop()));
    if (!link) throw new Error(`the order lists no download link: ${JSON.stringify(order).slice(0, 400)}`);
    if (link.size !== file.length) throw new Error(`the order says ${link.size} bytes, the bucket holds ${file.length}`);
    if (downloads > link.limit) throw new Error(`${downloads} downloads asked, the order allows ${link.limit}`);

    const runs = [];
    for (let i = 0; i < downloads; i++) {
      const run = await download(new URL(link.url, worker.url));
      if (run.status !== 200 || run.sha256 !== expected) throw new Error(`download ${i + 1}: status ${run.status}, ${run.bytes} bytes, SHA-256 ${run.sha256 === expected ? 'matches' : 'differs'}`);
      runs.push(run);
    }
    const ttfb = runs.map((run) => run.firstByteMs).sort((a, b) => a - b);
    const mibPerSecond = runs.map((run) => sizeMiB / (run.totalMs / 1000)).sort((a, b) => a - b);
    return {
      sizeMiB,
      downloads,
      putMs,
      ttfbP50Ms: percentile(ttfb, 50),
      ttfbMaxMs: ttfb.at(-1),
      mibPerSecondP50: percentile(mibPerSecond, 50),
      mibPerSecondMin: mibPerSecond[0],
      totalMsP50: percentile(runs.map((run) => run.totalMs).sort((a, b) => a - b), 50),
      sha256Checked: true,
    };
  } finally {
    agent.destroy();
    await worker.dispose();
  }
}
